import { Inject, Injectable, Logger } from '@nestjs/common';
import { PeriodicTask } from '../common/periodic-task.js';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { BuildsRepository, TemplatesRepository, WorkspacesRepository, type WorkspaceRecord } from '#persistence';
import { WorkspaceEventsPublisher } from '#queue';
import { SystemTransitions } from '../common/system-transitions.js';
import { VersionSpecs } from '../common/version-specs.js';

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
    private readonly transitions: SystemTransitions,
    private readonly events: WorkspaceEventsPublisher,
  ) {
    super();
  }

  protected intervalMs(): number {
    return this.config.BERTH_REAPER_INTERVAL_MS;
  }

  protected async pass(now = Date.now()): Promise<void> {
    const running = (await this.workspaces.listLive(null)).filter((w) => w.status === 'running');
    const specs = new VersionSpecs(this.templates);
    for (const ws of running) {
      const minutes = (await specs.of(ws.templateId, ws.templateVersion))?.idleTimeoutMinutes;
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
        this.events.publish({
          workspaceId: ws.id,
          type: 'status',
          status: 'running',
          lastError: null,
          idleStopAt: new Date(since.getTime() + timeoutMs).toISOString(),
        });
      }
      return;
    }
    this.warned.delete(ws.id);
    const reason = `idle ${minutes} min: no terminal, SSH, proxy or exec activity since ${since.toISOString()}`;
    // Nothing is done when the user acted meanwhile (a transition started, it is no longer running,
    // or it was used after `since`): re-checked under the row lock, after this pass read it.
    if (await this.transitions.request(ws, 'stop', reason, { allowedFrom: ['running'], unusedSince: since }))
      this.logger.log(`stopping workspace ${ws.id}: ${reason}`);
  }

  /** Last recorded use, or the end of the latest successful start if it was never used since. */
  private async lastUse(ws: WorkspaceRecord): Promise<Date> {
    const started = (await this.builds.lastStartedAt(ws.id)) ?? ws.updatedAt;
    return ws.lastActivityAt && ws.lastActivityAt > started ? ws.lastActivityAt : started;
  }
}
