import { Inject, Injectable, Logger } from '@nestjs/common';
import { PeriodicTask } from '../common/periodic-task.js';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { BuildsRepository, SnapshotsRepository, TrashRepository, WorkspacesRepository } from '#persistence';
import { WorkspaceEventsPublisher } from '#queue';
import { RUNTIME_DRIVER, type RuntimeDriver } from '#runtime';

/** Volume listing is a second engine call: done on every Nth pass only. */
const VOLUME_REPORT_EVERY = 12;

/**
 * Level-triggered: every few seconds, compare what Postgres says each workspace should be with
 * what the runtime holds for each workspace (one list call), and make status tell the truth.
 * Workspaces with a transition or a snapshot in flight are left to it. Volumes are never deleted here.
 */
@Injectable()
export class ReconcilerService extends PeriodicTask {
  protected readonly logger = new Logger(ReconcilerService.name);
  private passes = 0;
  private orphans: readonly string[] = [];
  private trashed: readonly string[] = [];

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    @Inject(RUNTIME_DRIVER) private readonly runtime: RuntimeDriver,
    private readonly workspaces: WorkspacesRepository,
    private readonly builds: BuildsRepository,
    private readonly events: WorkspaceEventsPublisher,
    private readonly trash: TrashRepository,
    private readonly snapshots: SnapshotsRepository,
  ) {
    super();
  }

  /** Workspace ids of the volumes without a workspace, as of the last volume report (kept, never deleted). */
  get orphanVolumes(): readonly string[] {
    return this.orphans;
  }

  /** Workspace ids of the volumes in the trash, as of the last volume report: kept on purpose, not orphans. */
  get trashedVolumes(): readonly string[] {
    return this.trashed;
  }

  protected intervalMs(): number {
    return this.config.BERTH_RECONCILE_INTERVAL_MS;
  }

  protected pass(): Promise<void> {
    return this.reconcile();
  }

  async reconcile(): Promise<void> {
    const held = await this.runtime.listWorkspaces();
    const [live, building, snapshotting] = await Promise.all([
      this.workspaces.listLive(null),
      this.builds.activeWorkspaceIds(),
      this.snapshots.activeWorkspaceIds(),
    ]);
    // A snapshot pauses a running container while it reads the home: not a container that stopped.
    const busy = new Set([...building, ...snapshotting]);
    const byWorkspace = new Map(held.map((w) => [w.workspaceId, w]));
    const liveIds = new Set(live.map((w) => w.id));

    for (const ws of live) {
      if (busy.has(ws.id)) continue;
      const instance = byWorkspace.get(ws.id)?.instance;
      if (ws.status === 'running' && !instance?.running) {
        // "Removal In Progress": a `docker rm -f` caught between its kill and its removal.
        const why =
          instance && !instance.status.startsWith('Removal In Progress')
            ? `the container stopped outside Berth (${instance.status})`
            : 'the container was removed outside Berth';
        await this.follow(ws.id, why);
      } else if (ws.status === 'stopped' && instance?.running) {
        // Desired stopped: containers are disposable, so an out-of-band start is undone.
        this.logger.warn(`workspace ${ws.id} is stopped but its container runs; removing the container`);
        await this.runtime.discard(ws.id);
      }
    }

    for (const w of held) {
      if (busy.has(w.workspaceId)) continue;
      if (liveIds.has(w.workspaceId)) {
        // One-shot helpers (volume preparation) that a crashed build left behind.
        if (w.leftovers > 0) await this.runtime.removeLeftovers(w.workspaceId);
        continue;
      }
      this.logger.warn(`orphan objects of workspace ${w.workspaceId}: removing them, never its volume`);
      await this.runtime.discard(w.workspaceId);
    }

    if (++this.passes % VOLUME_REPORT_EVERY === 0) await this.reportVolumes(liveIds);
  }

  /**
   * Volumes of no live workspace are either in the trash (a deleted workspace's home, kept until
   * it is purged or expires: counted on their own) or orphans (no row at all: for an admin).
   */
  private async reportVolumes(liveIds: Set<string>): Promise<void> {
    const [volumes, inTrash] = await Promise.all([this.runtime.listManagedVolumes(), this.trash.ids()]);
    const notLive = volumes.filter((id) => !liveIds.has(id));
    this.trashed = notLive.filter((id) => inTrash.has(id));
    this.orphans = notLive.filter((id) => !inTrash.has(id));
    if (this.orphans.length > 0)
      this.logger.warn(`volumes without a workspace (kept, for an admin to look at): ${this.orphans.join(', ')}`);
    if (this.trashed.length > 0)
      this.logger.log(`${this.trashed.length} volume(s) in the trash, kept until purged or expired`);
  }

  private async follow(workspaceId: string, why: string): Promise<void> {
    const lastError = `${why}; start it again to recreate it on the same volume`;
    this.logger.warn(`workspace ${workspaceId}: ${why}`);
    await this.workspaces.update(workspaceId, { status: 'failed', lastError, ports: [] });
    this.events.publish({ workspaceId, type: 'status', status: 'failed', lastError });
  }
}
