import { Inject, Injectable, Logger } from '@nestjs/common';
import { PeriodicTask } from '../common/periodic-task.js';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { BuildsRepository, WorkspacesRepository } from '#persistence';
import { WorkspaceEventsPublisher } from '#queue';
import { RUNTIME_DRIVER, type ManagedContainer, type RuntimeDriver } from '#runtime';

/** Volume listing is a second engine call: done on every Nth pass only. */
const VOLUME_REPORT_EVERY = 12;

/**
 * Level-triggered: every few seconds, compare what Postgres says each workspace should be with
 * what the engine actually has (one label-filtered list call), and make status tell the truth.
 * Workspaces with a transition in flight are left to it. Volumes are never deleted here.
 */
@Injectable()
export class ReconcilerService extends PeriodicTask {
  protected readonly logger = new Logger(ReconcilerService.name);
  private passes = 0;
  private orphans: readonly string[] = [];

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    @Inject(RUNTIME_DRIVER) private readonly runtime: RuntimeDriver,
    private readonly workspaces: WorkspacesRepository,
    private readonly builds: BuildsRepository,
    private readonly events: WorkspaceEventsPublisher,
  ) {
    super();
  }

  /** Workspace ids of the volumes without a workspace, as of the last volume report (kept, never deleted). */
  get orphanVolumes(): readonly string[] {
    return this.orphans;
  }

  protected intervalMs(): number {
    return this.config.BERTH_RECONCILE_INTERVAL_MS;
  }

  protected pass(): Promise<void> {
    return this.reconcile();
  }

  async reconcile(): Promise<void> {
    const containers = await this.runtime.listManagedContainers();
    const [live, busy] = await Promise.all([this.workspaces.listLive(null), this.builds.activeWorkspaceIds()]);
    const byWorkspace = new Map<string, ManagedContainer>();
    for (const c of containers) if (c.workspaceId && c.isWorkspaceContainer) byWorkspace.set(c.workspaceId, c);
    const liveIds = new Set(live.map((w) => w.id));

    for (const ws of live) {
      if (busy.has(ws.id)) continue;
      const container = byWorkspace.get(ws.id);
      if (ws.status === 'running' && !container?.running) {
        // "Removal In Progress": a `docker rm -f` caught between its kill and its removal.
        const why =
          container && !container.status.startsWith('Removal In Progress')
            ? `the container stopped outside Berth (${container.status})`
            : 'the container was removed outside Berth';
        await this.follow(ws.id, why);
      } else if (ws.status === 'stopped' && container?.running) {
        // Desired stopped: containers are disposable, so an out-of-band start is undone.
        this.logger.warn(`workspace ${ws.id} is stopped but its container runs; removing the container`);
        await this.runtime.removeContainerById(container.id);
      }
    }

    for (const c of containers) {
      // Only containers of a workspace are judged; anything else labelled (an image build step) is not ours to remove.
      if (!c.workspaceId || busy.has(c.workspaceId)) continue;
      if (liveIds.has(c.workspaceId)) {
        // A one-shot helper (volume preparation) that a crashed build left behind.
        if (!c.isWorkspaceContainer && !c.running) await this.runtime.removeContainerById(c.id);
        continue;
      }
      this.logger.warn(
        `orphan container ${c.id.slice(0, 12)} of workspace ${c.workspaceId}: removing it, never its volume`,
      );
      await this.runtime.removeContainerById(c.id);
    }

    if (++this.passes % VOLUME_REPORT_EVERY === 0) {
      const orphans = (await this.runtime.listManagedVolumes()).filter((id) => !liveIds.has(id));
      this.orphans = orphans;
      if (orphans.length > 0)
        this.logger.warn(`volumes without a workspace (kept, for an admin to look at): ${orphans.join(', ')}`);
    }
  }

  private async follow(workspaceId: string, why: string): Promise<void> {
    const lastError = `${why}; start it again to recreate it on the same volume`;
    this.logger.warn(`workspace ${workspaceId}: ${why}`);
    await this.workspaces.update(workspaceId, { status: 'failed', lastError, ports: [] });
    this.events.publish({ workspaceId, type: 'status', status: 'failed', lastError });
  }
}
