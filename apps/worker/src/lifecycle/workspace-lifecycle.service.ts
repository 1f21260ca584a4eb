import { Inject, Injectable, Logger } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { applyParameters, BerthError, ErrorCode, parseTemplateSpec, type ResolvedParameters, transitionRule, type TemplateSpec, type WorkspaceStatus } from '#domain';
import { BuildsRepository, TemplatesRepository, WorkspacesRepository, type BuildRecord, type WorkspaceRecord } from '#persistence';
import { WorkspaceEventsPublisher } from '#queue';
import { RUNTIME_DRIVER, type RuntimeDriver, type WorkspaceRuntimeSpec } from '#runtime';
import { TemplateImageService } from '../templates/template-image.service.js';
import { BuildRecorder } from './build-recorder.js';

/**
 * Carries out one transition (a Build row) against the runtime. Safe to run twice: a finished
 * build is skipped, and every step looks at actual state (image present? volume? container?)
 * before acting, so a job retried after a crash converges on one container and one volume.
 */
@Injectable()
export class WorkspaceLifecycleService {
  private readonly logger = new Logger(WorkspaceLifecycleService.name);

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    @Inject(RUNTIME_DRIVER) private readonly runtime: RuntimeDriver,
    private readonly builds: BuildsRepository,
    private readonly workspaces: WorkspacesRepository,
    private readonly templates: TemplatesRepository,
    private readonly events: WorkspaceEventsPublisher,
    private readonly images: TemplateImageService,
  ) {}

  async run(buildId: string): Promise<void> {
    const build = await this.builds.findById(buildId);
    if (!build || build.status === 'succeeded' || build.status === 'failed') return;
    const workspace = await this.workspaces.findById(build.workspaceId);
    if (!workspace) return;
    await this.builds.markRunning(build.id);
    const recorder = new BuildRecorder(build.id, this.builds, (stream, lines) =>
      this.events.publish({ workspaceId: workspace.id, type: 'log', buildId: build.id, stream, lines }),
    );
    recorder.stageTimeoutMs = this.config.BERTH_STAGE_TIMEOUT_MS;
    recorder.watchCancellation();
    const heartbeat = setInterval(() => void this.builds.recordStage(build.id, recorder.stages).catch(() => undefined), 5000);
    try {
      await this.execute(build, workspace, recorder);
      await recorder.flush();
      await this.builds.finish(build.id, { status: 'succeeded', stages: recorder.stages });
    } catch (error) {
      const { message, code } = describeFailure(error);
      this.logger.warn(`build ${build.id} (${build.kind} of workspace ${workspace.id}) failed: ${message}`);
      recorder.log('system', [`error: ${message}`]);
      await recorder.flush();
      await this.builds.finish(build.id, { status: 'failed', error: message, errorCode: code, stages: recorder.stages });
      await this.setStatus(workspace.id, 'failed', message);
    } finally {
      recorder.stopWatching();
      clearInterval(heartbeat);
    }
  }

  private async execute(build: BuildRecord, ws: WorkspaceRecord, rec: BuildRecorder): Promise<void> {
    const success = transitionRule(build.kind).success;
    switch (build.kind) {
      case 'start':
        await this.setStatus(ws.id, 'starting');
        await this.bringUp(build, ws, rec);
        break;
      case 'stop':
        await this.setStatus(ws.id, 'stopping');
        await rec.stage('stop', () => this.runtime.removeContainer(ws.id));
        await this.workspaces.update(ws.id, { ports: [] });
        await this.setStatus(ws.id, success);
        return;
      case 'restart':
      case 'rebuild':
      case 'update':
        // The container is disposable: both recreate it (rebuild with the promoted version, chosen
        // when the request was accepted); only the volume carries over.
        await this.setStatus(ws.id, 'stopping');
        await rec.stage('stop', () => this.runtime.removeContainer(ws.id));
        await this.setStatus(ws.id, 'starting');
        await this.bringUp(build, ws, rec);
        break;
      case 'delete':
        await this.setStatus(ws.id, 'deleting');
        await rec.stage('stop', () => this.runtime.removeContainer(ws.id));
        await rec.stage('volume', () => this.runtime.removeVolume(ws.id));
        await this.workspaces.markDeleted(ws.id);
        this.events.publish({ workspaceId: ws.id, type: 'status', status: 'deleted', lastError: null });
        return;
    }
  }

  private async bringUp(build: BuildRecord, ws: WorkspaceRecord, rec: BuildRecorder): Promise<void> {
    const version = await this.templates.findVersion(ws.templateId, build.templateVersion);
    if (!version) throw new BerthError(ErrorCode.NotFound, `template version ${build.templateVersion} not found`);
    // The version's spec with this workspace's parameters (cpus, memory, env) applied.
    const spec = applyParameters(parseTemplateSpec(version.spec), ws.parameters as ResolvedParameters);
    // The version's pinned image (pulled or built once per version, waited for if in progress).
    const image = await rec.stage('image', () => this.images.ensure(version.id, rec.log));
    const runtimeSpec = this.runtimeSpec(ws, spec, image.id);
    if (build.reinitialize) {
      rec.log('system', ['initScript will run again, as asked']);
      ws.initializedAt = null;
      await this.workspaces.update(ws.id, { initializedAt: null });
    }

    await rec.stage('volume', async () => {
      const { created } = await this.runtime.ensureVolume(ws.id, ws.ownerId);
      // Prepared once per volume; redone if a crash left a fresh volume unprepared.
      if (created || !ws.volumePreparedAt) {
        await this.runtime.prepareVolume(runtimeSpec);
        await this.workspaces.update(ws.id, { volumePreparedAt: new Date() });
      }
    });
    const container = await rec.stage('container', () => this.runtime.startContainer(runtimeSpec));

    await rec.stage('scripts', async () => {
      if (spec.initScript && !ws.initializedAt) {
        await this.runScript(ws.id, spec, 'initScript', spec.initScript, rec);
        await this.workspaces.update(ws.id, { initializedAt: new Date() });
      }
      if (spec.startScript) await this.runScript(ws.id, spec, 'startScript', spec.startScript, rec);
    });

    const ports = container.ports.map((p) => ({ ...p, name: spec.ports.find((s) => s.port === p.port)?.name ?? '' }));
    await this.workspaces.update(ws.id, { ports });
    await this.setStatus(ws.id, 'running');
  }

  private async runScript(workspaceId: string, spec: TemplateSpec, which: string, script: string, rec: BuildRecorder): Promise<void> {
    rec.log('system', [`running ${which} as ${spec.user}`]);
    const exitCode = await this.runtime.exec(
      workspaceId,
      { cmd: ['sh', '-c', script], user: spec.user, workdir: spec.homePath, timeoutMs: this.config.BERTH_IMAGE_PULL_TIMEOUT_MS },
      rec.log,
    );
    if (exitCode !== 0) {
      const last = rec.lastLines(5).join(' | ');
      throw new BerthError(ErrorCode.ScriptFailed, `${which} exited with code ${exitCode}: ${last}`, { exitCode });
    }
  }

  /** Every status change is written first (the record), then announced to live watchers. */
  private async setStatus(workspaceId: string, status: WorkspaceStatus, lastError: string | null = null): Promise<void> {
    await this.workspaces.setStatus(workspaceId, status, lastError);
    this.events.publish({ workspaceId, type: 'status', status, lastError });
  }

  private runtimeSpec(ws: WorkspaceRecord, spec: TemplateSpec, image: string): WorkspaceRuntimeSpec {
    return {
      workspaceId: ws.id,
      ownerId: ws.ownerId,
      hostname: ws.name,
      image,
      spec,
      env: { BERTH_WORKSPACE_ID: ws.id, BERTH_WORKSPACE_NAME: ws.name, BERTH_OWNER_ID: ws.ownerId },
    };
  }
}

function describeFailure(error: unknown): { message: string; code: string } {
  if (error instanceof BerthError) return { message: error.message, code: error.code };
  const message = error instanceof Error ? error.message : String(error);
  return { message: `runtime error: ${message}`, code: ErrorCode.RuntimeFailure };
}
