import { Inject, Injectable, Logger } from '@nestjs/common';
import { PeriodicTask } from '../common/periodic-task.js';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { BerthError, parseTemplateSpec } from '#domain';
import { BuildsRepository, isUniqueViolation, TemplatesRepository, WorkspacesRepository, type WorkspaceRecord } from '#persistence';
import { WorkspaceEventsPublisher, WorkspaceJobsProducer } from '#queue';

/**
 * Idle auto-stop: a running workspace whose template sets `idleTimeoutMinutes` is stopped after
 * that long without terminal, proxied-port or exec use (or since it started, if never used),
 * after an `idle-warning` event the portal can answer by extending. The workspace records why.
 */
@Injectable()
export class IdleStopperService extends PeriodicTask {
  protected readonly logger = new Logger(IdleStopperService.name);
  private readonly warned = new Set<string>();

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly workspaces: WorkspacesRepository,
    private readonly templates: TemplatesRepository,
    private readonly builds: BuildsRepository,
    private readonly jobs: WorkspaceJobsProducer,
    private readonly events: WorkspaceEventsPublisher,
  ) {
    super();
  }

  protected intervalMs(): number {
    return this.config.BERTH_REAPER_INTERVAL_MS;
  }

  protected async pass(now = Date.now()): Promise<void> {
    const running = (await this.workspaces.listLive(null)).filter((w) => w.status === 'running');
    const timeouts = new Map<string, number | undefined>();
    for (const ws of running) {
      const key = `${ws.templateId}:${ws.templateVersion}`;
      if (!timeouts.has(key)) {
        const version = await this.templates.findVersion(ws.templateId, ws.templateVersion);
        timeouts.set(key, version ? parseTemplateSpec(version.spec).idleTimeoutMinutes : undefined);
      }
      const minutes = timeouts.get(key);
      if (minutes !== undefined) await this.check(ws, minutes, now);
    }
  }

  private async check(ws: WorkspaceRecord, minutes: number, now: number): Promise<void> {
    const since = await this.lastUse(ws);
    const timeoutMs = minutes * 60_000;
    const idleMs = now - since.getTime();
    const warnMs = Math.min(5 * 60_000, timeoutMs / 2);
    if (idleMs < timeoutMs - warnMs) {
      this.warned.delete(ws.id);
      return;
    }
    if (idleMs < timeoutMs) {
      if (!this.warned.has(ws.id)) {
        this.warned.add(ws.id);
        this.events.publish({ workspaceId: ws.id, type: 'status', status: 'running', lastError: null, idleStopAt: new Date(since.getTime() + timeoutMs).toISOString() });
      }
      return;
    }
    this.warned.delete(ws.id);
    const reason = `idle ${minutes} min: no terminal, proxy or exec activity since ${since.toISOString()}`;
    try {
      const build = await this.builds.createForTransition({
        workspaceId: ws.id, kind: 'stop', templateVersion: ws.templateVersion, requestedById: null, requestedStatus: 'stopping',
        desiredState: 'stopped', allowedFrom: ['running'], reason,
      });
      await this.jobs.enqueue({ buildId: build.id, workspaceId: ws.id });
      this.logger.log(`stopping workspace ${ws.id}: ${reason}`);
    } catch (error) {
      // A transition started meanwhile (the user acted): nothing to do this pass.
      if (!isUniqueViolation(error) && !(error instanceof BerthError)) throw error;
    }
  }

  /** Last recorded use, or the end of the latest successful start if it was never used since. */
  private async lastUse(ws: WorkspaceRecord): Promise<Date> {
    const started = (await this.builds.lastStartedAt(ws.id)) ?? ws.updatedAt;
    return ws.lastActivityAt && ws.lastActivityAt > started ? ws.lastActivityAt : started;
  }
}
