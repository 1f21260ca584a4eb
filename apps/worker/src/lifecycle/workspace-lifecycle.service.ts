import { Inject, Injectable, Logger } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import {
  applyParameters,
  BerthError,
  ErrorCode,
  homeLimitState,
  namePublishedPorts,
  overHardLimitMessage,
  parseTemplateSpec,
  transitionRule,
  type TemplateSpec,
  type TransitionRule,
  type WorkspaceStatus,
  describeTrashDays,
  trashExpiry,
} from '#domain';
import {
  BuildsRepository,
  TemplatesRepository,
  TrashRepository,
  WorkspacesRepository,
  type BuildRecord,
  type WorkspaceRecord,
} from '#persistence';
import { WorkspaceEventsPublisher } from '#queue';
import { buildDuration, observeStage } from '#metrics';
import { sleep } from '#common';
import { RUNTIME_DRIVER, type RuntimeDriver, type WorkspaceRuntimeSpec, containerHostname } from '#runtime';
import { TemplateImageService } from '../templates/template-image.service.js';
import { isHandBack } from '../common/hand-back.js';
import { backoffMs, describeTransient, isTransient, retryTransient } from '../common/transient.js';
import { BuildRecorder } from './build-recorder.js';
import { TrashPurger } from '../trash/trash-purger.js';
import { SnapshotService } from '../snapshots/snapshot.service.js';

/**
 * Carries out one transition (a Build row) against the runtime. Safe to run twice: a finished
 * build is skipped, and every step looks at actual state (image present? volume? container?)
 * before acting, so a job retried after a crash converges on one container and one volume.
 * While the engine or the database is away (restart, blip) the build waits and tries again for
 * BERTH_TRANSIENT_RETRY_MS; any other failure fails the build with its reason.
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
    private readonly trash: TrashRepository,
    private readonly purger: TrashPurger,
    private readonly snapshots: SnapshotService,
  ) {}

  /** `handBack` aborts when the worker shuts down: the build is put back in the queue, not failed. */
  async run(buildId: string, handBack?: AbortSignal): Promise<void> {
    const until = Date.now() + this.config.BERTH_TRANSIENT_RETRY_MS;
    const persist = <T>(work: () => Promise<T>): Promise<T> =>
      retryTransient(work, {
        until,
        onRetry: (e) => this.logger.warn(`build ${buildId}: ${describeTransient(e)}; retrying`),
      });
    const build = await persist(() => this.builds.findById(buildId));
    if (!build || build.status === 'succeeded' || build.status === 'failed') return;
    const workspace = await persist(() => this.workspaces.findById(build.workspaceId));
    if (!workspace) return;
    const startedAt = await persist(() => this.builds.markRunning(build));
    const recorder = new BuildRecorder(build.id, this.builds, {
      stageTimeoutMs: this.config.BERTH_STAGE_TIMEOUT_MS,
      writeRetryMs: this.config.BERTH_TRANSIENT_RETRY_MS,
      external: handBack,
      onLines: (stream, lines) =>
        this.events.publish({ workspaceId: workspace.id, type: 'log', buildId: build.id, stream, lines }),
    });
    Object.assign(recorder.stages, build.stages);
    recorder.stages.queue ??= startedAt.getTime() - build.queuedAt.getTime();
    recorder.watchCancellation();
    const heartbeat = setInterval(
      () => void this.builds.recordStage(build.id, recorder.stages).catch(() => undefined),
      5000,
    );
    try {
      const outcome = await this.attempt(build, workspace, recorder, until);
      await recorder.flush();
      if (!(outcome instanceof Failure)) {
        await persist(() =>
          this.builds.finish(
            build.id,
            { status: 'succeeded', stages: recorder.stages },
            { id: workspace.id, ...outcome },
          ),
        );
        this.events.publish({ workspaceId: workspace.id, type: 'status', status: outcome.status, lastError: null });
        observeBuild(build, recorder.stages, 'succeeded');
        this.logger.log(`${build.kind} succeeded: workspace ${outcome.status} (${describeStages(recorder.stages)})`);
        return;
      }
      const { message, code } = describeFailure(outcome.error);
      this.logger.warn(`build ${build.id} (${build.kind} of workspace ${workspace.id}) failed: ${message}`);
      recorder.log('system', [`error: ${message}`]);
      await recorder.flush();
      await persist(() =>
        this.builds.finish(
          build.id,
          { status: 'failed', error: message, errorCode: code, stages: recorder.stages },
          { id: workspace.id, status: 'failed', lastError: message },
        ),
      );
      this.events.publish({ workspaceId: workspace.id, type: 'status', status: 'failed', lastError: message });
      observeBuild(build, recorder.stages, 'failed');
    } catch (error) {
      if (isHandBack(error)) {
        recorder.log('system', [`${error.message}; steps already done are checked, not redone`]);
        await recorder.flush();
        await persist(() => this.builds.requeue(build.id, recorder.stages));
      }
      throw error;
    } finally {
      recorder.stopWatching();
      clearInterval(heartbeat);
    }
  }

  /**
   * Executes the transition, waiting out transient failures until `until`. Resolves with the
   * workspace's resulting state, or the Failure that ends the build; a hand-back is thrown.
   */
  private async attempt(
    build: BuildRecord,
    firstRead: WorkspaceRecord,
    rec: BuildRecorder,
    until: number,
  ): Promise<FinalState | Failure> {
    for (let attempt = 1; ; attempt++) {
      try {
        // The first attempt uses the row run() just read; later ones read it again, since a
        // previous attempt may have prepared the volume or run initScript.
        const ws = attempt === 1 ? firstRead : await this.workspaces.findById(build.workspaceId);
        if (!ws) throw new BerthError(ErrorCode.NotFound, 'the workspace no longer exists');
        return await this.execute(build, ws, rec);
      } catch (error) {
        const reason: unknown = rec.signal.aborted ? rec.signal.reason : error;
        if (isHandBack(reason)) throw reason;
        const waitMs = backoffMs(attempt);
        if (!isTransient(error) || rec.signal.aborted) return new Failure(reason);
        if (Date.now() + waitMs > until) {
          return new Failure(
            new BerthError(
              ErrorCode.Unavailable,
              `${describeTransient(error)}; gave up after ${Math.round(this.config.BERTH_TRANSIENT_RETRY_MS / 1000)} s of retries`,
            ),
          );
        }
        rec.log('system', [
          `${describeTransient(error)}; trying again in ${waitMs / 1000} s (steps already done are checked, not redone)`,
        ]);
        await sleep(waitMs, rec.signal).catch(() => undefined);
      }
    }
  }

  /**
   * Does the transition's work and returns the state the workspace ends in, as the rule table
   * says (TransitionRule.success); that final state is written together with the build's end
   * (BuildsRepository.finish), never before it.
   */
  private async execute(build: BuildRecord, ws: WorkspaceRecord, rec: BuildRecorder): Promise<FinalState> {
    await this.carryOut(build, ws, rec);
    const status = transitionRule(build.kind).success;
    return status === 'deleted' ? { status, deleted: true } : { status };
  }

  private async carryOut(build: BuildRecord, ws: WorkspaceRecord, rec: BuildRecorder): Promise<void> {
    switch (build.kind) {
      case 'start':
        await this.setStatus(ws.id, 'starting');
        return this.bringUp(build, ws, rec);
      case 'stop':
        await this.setStatus(ws.id, 'stopping');
        await rec.stage('stop', (signal) => this.runtime.removeContainer(ws.id, signal));
        return this.workspaces.update(ws.id, { ports: [] });
      case 'restart':
      case 'rebuild':
      case 'update':
        // The container is disposable: all three recreate it (rebuild/update with the promoted
        // version, chosen when the request was accepted); only the volume carries over. A retry
        // after the container was recreated must not remove it again.
        if (!rec.done('stop')) {
          await this.setStatus(ws.id, 'stopping');
          await rec.stage('stop', (signal) => this.runtime.removeContainer(ws.id, signal));
        }
        await this.setStatus(ws.id, 'starting');
        return this.bringUp(build, ws, rec);
      case 'restore':
        await this.restore(build, ws, rec);
        return;
      case 'delete':
        await this.setStatus(ws.id, 'deleting');
        await rec.stage('stop', (signal) => this.runtime.removeContainer(ws.id, signal));
        await rec.stage('volume', (signal) => this.trashOrPurge(build, ws.id, rec, signal));
        return;
    }
  }

  /**
   * Restore in place: the container goes (nothing may write the home meanwhile), the current home
   * is snapshotted (`before-restore`, so the restore itself can be undone), the chosen snapshot
   * replaces the home (checksum verified first), and the workspace starts again on it. A retry
   * skips the steps already done.
   */
  private async restore(build: BuildRecord, ws: WorkspaceRecord, rec: BuildRecorder): Promise<void> {
    if (!build.snapshotId) throw new BerthError(ErrorCode.Validation, 'a restore needs a snapshot');
    const snapshotId = build.snapshotId;
    if (!rec.done('stop')) {
      await this.setStatus(ws.id, 'stopping');
      await rec.stage('stop', (signal) => this.runtime.removeContainer(ws.id, signal));
    }
    await this.setStatus(ws.id, 'starting');
    if (!rec.done('safety-snapshot')) {
      await rec.stage('safety-snapshot', async (signal) => {
        await this.runtime.ensureVolume(ws.id, ws.ownerId, signal);
        const safety = await this.snapshots.capture(ws.id, 'before-restore', build.requestedById, signal);
        rec.log('system', [`the home as it was is kept as snapshot ${safety.id} (restore it to undo this)`]);
      });
    }
    if (!rec.done('restore')) {
      await rec.stage('restore', async (signal) => {
        await this.snapshots.restoreInto(ws.id, snapshotId, signal);
        rec.log('system', [`snapshot ${snapshotId} restored (checksum verified)`]);
      });
    }
    await this.bringUp(build, ws, rec);
  }

  /**
   * The home volume of a deleted workspace goes to the trash for BERTH_TRASH_DAYS, unless a purge
   * was asked for (read now, after the container is gone: a purge asked later is done by the
   * trash pass). Only the purge removes it.
   */
  private async trashOrPurge(build: BuildRecord, id: string, rec: BuildRecorder, signal: AbortSignal): Promise<void> {
    const ws = await this.workspaces.findById(id);
    if (ws?.purgeRequestedAt) {
      await this.purger.purge(ws, 'requested', build.requestedById, signal);
      rec.log('system', ['the home volume was deleted for good, as asked']);
      return;
    }
    const expiresAt = trashExpiry(this.config.BERTH_TRASH_DAYS);
    await this.trash.keep(id, expiresAt);
    rec.log('system', [
      `the home volume is kept in the trash until ${expiresAt.toISOString()} (${describeTrashDays(this.config.BERTH_TRASH_DAYS)}); restore it from there`,
    ]);
  }

  private async bringUp(build: BuildRecord, ws: WorkspaceRecord, rec: BuildRecorder): Promise<void> {
    const version = await this.templates.findVersion(ws.templateId, build.templateVersion);
    if (!version) throw new BerthError(ErrorCode.NotFound, `template version ${build.templateVersion} not found`);
    // The version's spec with this workspace's parameters (cpus, memory, env) applied.
    const spec = applyParameters(parseTemplateSpec(version.spec), ws.parameters);
    // The volume does not depend on the image. When the version's image is already known (the
    // usual case), the volume is made while the image is checked, and the volume stage below
    // records only the time still spent on it; otherwise an image that cannot be had fails the
    // build before any volume exists.
    const ensureVolume = () => this.runtime.ensureVolume(ws.id, ws.ownerId, rec.signal);
    const early = version.status === 'ready' ? ensureVolume() : null;
    early?.catch(() => undefined); // awaited (and its failure reported) in the volume stage
    // The version's pinned image (pulled or built once per version, waited for if in progress).
    const image = await rec.stage('image', (signal) => this.images.ensure(version.id, rec.log, signal, version));
    const runtimeSpec = this.runtimeSpec(ws, spec, image.id);
    if (build.reinitialize && !rec.done('reinitialize')) {
      await rec.stage('reinitialize', async () => {
        rec.log('system', ['initScript will run again, as asked']);
        ws.initializedAt = null;
        await this.workspaces.update(ws.id, { initializedAt: null });
      });
    }

    await rec.stage('volume', async (signal) => {
      const { created } = await (early ?? ensureVolume());
      // Prepared once per volume; redone if a crash left a fresh volume unprepared.
      if (created || !ws.volumePreparedAt) {
        if (build.kind === 'start' && build.snapshotId) {
          // A clone: its home starts as the snapshot (owners and modes included), already initialized.
          await this.snapshots.restoreInto(ws.id, build.snapshotId, signal);
          rec.log('system', [`home filled from snapshot ${build.snapshotId} (checksum verified)`]);
          ws.initializedAt = new Date();
          await this.workspaces.update(ws.id, { volumePreparedAt: new Date(), initializedAt: ws.initializedAt });
        } else {
          await this.runtime.prepareVolume(runtimeSpec, signal);
          await this.workspaces.update(ws.id, { volumePreparedAt: new Date() });
        }
      }
      // Over the template's hard limit, the workspace does not start until it is under again.
      const hardMb = spec.homeLimits?.hardMb;
      const bytes =
        hardMb === undefined || created ? undefined : (await this.runtime.measureHomes([ws.id], signal)).get(ws.id);
      if (bytes !== undefined) {
        const state = homeLimitState(bytes, spec.homeLimits);
        await this.workspaces.recordHomeUsage(ws.id, bytes, state);
        rec.log('system', [`home volume uses ${bytes} bytes (${state})`]);
        if (state === 'hard' && hardMb !== undefined)
          throw new BerthError(ErrorCode.QuotaExceeded, overHardLimitMessage(bytes, hardMb));
      }
    });
    const container = await rec.stage('container', (signal) => this.runtime.startContainer(runtimeSpec, signal));

    // Scripts are not idempotent: a retry skips them if they already ran in this same container.
    if (!rec.done('scripts', container.id)) {
      await rec.stage(
        'scripts',
        async (signal) => {
          if (spec.initScript && !ws.initializedAt) {
            await this.runScript(ws.id, spec, 'initScript', spec.initScript, rec, signal);
            await this.workspaces.update(ws.id, { initializedAt: new Date() });
          }
          if (spec.startScript) await this.runScript(ws.id, spec, 'startScript', spec.startScript, rec, signal);
        },
        container.id,
      );
    }

    // A template's own command serves its declared ports: `running` waits (bounded) until they answer.
    const declared = spec.command ? spec.ports.map((p) => p.port) : [];
    const limitMs = this.config.BERTH_PORTS_READY_TIMEOUT_MS;
    if (declared.length > 0 && limitMs > 0 && !rec.done('ports', container.id)) {
      await rec.stage('ports', (signal) => this.waitForPorts(ws.id, declared, limitMs, rec, signal), container.id);
    }

    // Ports first; `running` itself is written with the build's end.
    await rec.stage('ready', async () => {
      await this.workspaces.update(ws.id, { ports: namePublishedPorts(container.ports, spec.ports) });
    });
  }

  /** Probes until every port accepts a connection or the limit passes (then noted, not failed). */
  private async waitForPorts(
    workspaceId: string,
    ports: number[],
    limitMs: number,
    rec: BuildRecorder,
    signal: AbortSignal,
  ): Promise<void> {
    const until = Date.now() + limitMs;
    rec.log('system', [`waiting for port${ports.length > 1 ? 's' : ''} ${ports.join(', ')} to accept connections`]);
    for (;;) {
      const closed = await this.runtime.closedPorts(workspaceId, ports, signal);
      if (closed.length === 0)
        return rec.log('system', [`port${ports.length > 1 ? 's' : ''} ${ports.join(', ')} ready`]);
      if (Date.now() >= until) {
        return rec.log('system', [
          `warning: port${closed.length > 1 ? 's' : ''} ${closed.join(', ')} did not accept a connection ` +
            `within ${Math.round(limitMs / 1000)} s; running without waiting longer`,
        ]);
      }
      await sleep(Math.min(250, Math.max(0, until - Date.now())), signal);
    }
  }

  private async runScript(
    workspaceId: string,
    spec: TemplateSpec,
    which: string,
    script: string,
    rec: BuildRecorder,
    signal: AbortSignal,
  ): Promise<void> {
    rec.log('system', [`running ${which} as ${spec.user}`]);
    // A script's interpreter is the image's own: a minimal image without sh fails naming it.
    if (!(await this.runtime.hasProgram(workspaceId, 'sh', signal)))
      throw new BerthError(ErrorCode.ScriptFailed, `${which} needs sh to run, and the template's image has no sh`);
    const exitCode = await this.runtime.exec(
      workspaceId,
      {
        cmd: ['sh', '-c', script],
        user: spec.user,
        workdir: spec.homePath,
        timeoutMs: this.config.BERTH_STAGE_TIMEOUT_MS,
        signal,
      },
      rec.log,
    );
    if (exitCode !== 0) {
      const last = rec.lastLines(5).join(' | ');
      throw new BerthError(ErrorCode.ScriptFailed, `${which} exited with code ${exitCode}: ${last}`, { exitCode });
    }
  }

  /** Every status change is written first (the record), then announced to live watchers. */
  private async setStatus(
    workspaceId: string,
    status: WorkspaceStatus,
    lastError: string | null = null,
  ): Promise<void> {
    await this.workspaces.setStatus(workspaceId, status, lastError);
    this.events.publish({ workspaceId, type: 'status', status, lastError });
  }

  private runtimeSpec(ws: WorkspaceRecord, spec: TemplateSpec, image: string): WorkspaceRuntimeSpec {
    return {
      workspaceId: ws.id,
      ownerId: ws.ownerId,
      hostname: containerHostname(ws.id),
      image,
      spec,
      env: { BERTH_WORKSPACE_ID: ws.id, BERTH_WORKSPACE_NAME: ws.name, BERTH_OWNER_ID: ws.ownerId },
    };
  }
}

/** The state a successful transition leaves the workspace in. */
interface FinalState {
  status: TransitionRule['success'];
  deleted?: boolean;
}

/** Wraps the error that ends a build, so it is told apart from a success by type, not by value. */
class Failure {
  constructor(readonly error: unknown) {}
}

function describeFailure(error: unknown): { message: string; code: ErrorCode } {
  if (error instanceof BerthError) return { message: error.message, code: error.code };
  if (isTransient(error)) return { message: describeTransient(error), code: ErrorCode.Unavailable };
  const message = error instanceof Error ? error.message : String(error);
  return { message: `runtime error: ${message}`, code: ErrorCode.RuntimeFailure };
}

/** Metrics of a build that ended: each stage it went through (queue included) and its whole duration. */
function observeBuild(build: BuildRecord, stages: Record<string, number>, outcome: 'succeeded' | 'failed'): void {
  for (const [stage, ms] of Object.entries(stages)) observeStage(build.kind, stage, ms);
  buildDuration.observe({ kind: build.kind, outcome }, Math.max(0, Date.now() - build.queuedAt.getTime()) / 1000);
}

const describeStages = (stages: Record<string, number>): string =>
  Object.entries(stages)
    .map(([stage, ms]) => `${stage} ${ms} ms`)
    .join(', ');
