import { Inject, Injectable } from '@nestjs/common';
import { type AuthenticatedUser } from '#auth';
import { conflict, notFound, snapshotStorageFull } from '#domain';
import { SnapshotsRepository, UsersRepository, WorkspacesRepository, type WorkspaceRecord } from '#persistence';
import { QuotaService } from './quota.service.js';
import { SnapshotJobsProducer } from '#queue';
import { SNAPSHOT_STORE, type SnapshotStore } from '#runtime';
import { WorkspacesService } from './workspaces.service.js';
import { type BuildView } from './workspaces.dto.js';
import { toSnapshotView, type SnapshotView } from './snapshot.views.js';

const SNAPSHOTTABLE = new Set(['running', 'stopped', 'failed']);

/**
 * Snapshots of a workspace's home (owner or admin): take one (the worker writes it), list them,
 * restore one in place (a transition), delete one. They count against the owner's snapshot
 * storage (BERTH_QUOTA_SNAPSHOT_MB), whoever asks.
 */
@Injectable()
export class SnapshotsService {
  constructor(
    private readonly workspaces: WorkspacesRepository,
    private readonly snapshots: SnapshotsRepository,
    private readonly jobs: SnapshotJobsProducer,
    private readonly lifecycle: WorkspacesService,
    @Inject(SNAPSHOT_STORE) private readonly store: SnapshotStore,
    private readonly quota: QuotaService,
    private readonly users: UsersRepository,
  ) {}

  async take(user: AuthenticatedUser, workspaceId: string): Promise<{ id: string; status: string }> {
    const ws = await this.find(user, workspaceId);
    if (!SNAPSHOTTABLE.has(ws.status))
      throw conflict(`cannot snapshot a workspace that is ${ws.status}`, { workspaceStatus: ws.status });
    const inFlight = await this.snapshots.inProgress(ws.id);
    if (inFlight) return { id: inFlight.id, status: inFlight.status };
    await this.assertRoom(ws.ownerId);
    const snapshot = await this.snapshots.create({
      workspaceId: ws.id,
      ownerId: ws.ownerId,
      createdById: user.id,
      kind: 'manual',
      templateVersion: ws.templateVersion,
    });
    try {
      await this.jobs.enqueue({ snapshotId: snapshot.id });
    } catch (error) {
      await this.snapshots.remove(snapshot.id);
      throw error;
    }
    return { id: snapshot.id, status: snapshot.status };
  }

  async list(user: AuthenticatedUser, workspaceId: string): Promise<{ items: SnapshotView[]; nextCursor: null }> {
    const ws = await this.find(user, workspaceId);
    return { items: (await this.snapshots.listForWorkspace(ws.id)).map(toSnapshotView), nextCursor: null };
  }

  async get(user: AuthenticatedUser, workspaceId: string, snapshotId: string): Promise<SnapshotView> {
    const ws = await this.find(user, workspaceId);
    const snapshot = await this.snapshots.findForWorkspace(ws.id, snapshotId);
    if (!snapshot) throw notFound('snapshot');
    return toSnapshotView(snapshot);
  }

  /** Restores in place: a `restore` transition (the current home is snapshotted first). */
  async restore(user: AuthenticatedUser, workspaceId: string, snapshotId: string): Promise<BuildView> {
    const ws = await this.find(user, workspaceId);
    const snapshot = await this.snapshots.findForWorkspace(ws.id, snapshotId);
    if (!snapshot) throw notFound('snapshot');
    if (snapshot.status !== 'ready')
      throw conflict(`the snapshot is ${snapshot.status}, not ready`, { snapshotStatus: snapshot.status });
    return this.lifecycle.transition(user, ws.id, 'restore', { snapshotId: snapshot.id });
  }

  async remove(user: AuthenticatedUser, workspaceId: string, snapshotId: string): Promise<void> {
    const ws = await this.find(user, workspaceId);
    const snapshot = await this.snapshots.findForWorkspace(ws.id, snapshotId);
    if (!snapshot) throw notFound('snapshot');
    if (snapshot.status === 'pending' || snapshot.status === 'running')
      throw conflict('the snapshot is still being written');
    if (snapshot.storeKey) await this.store.delete(snapshot.storeKey);
    await this.snapshots.remove(snapshot.id);
  }

  /** Full: a clear 403 naming what is used and what frees room; nothing is written. */
  private async assertRoom(ownerId: string): Promise<void> {
    const limitMb = this.quota.snapshotLimitMb(await this.users.findById(ownerId));
    const full = snapshotStorageFull(await this.snapshots.usageBytes(ownerId), limitMb);
    if (full) throw full;
  }

  /** Another user's workspace (and so its snapshots) is "not found". */
  private async find(user: AuthenticatedUser, id: string): Promise<WorkspaceRecord> {
    const ws = await this.workspaces.findLive(id, user.role === 'admin' ? null : user.id);
    if (!ws) throw notFound('workspace');
    return ws;
  }
}
