import { Inject, Injectable } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { type AuthenticatedUser } from '#auth';
import { assertPurgeConfirmed, conflict, notFound } from '#domain';
import { isUniqueViolation, TrashRepository, type WorkspaceRecord } from '#persistence';
import { QuotaService } from './quota.service.js';
import { type TrashItemView, type TrashListView } from './trash.dto.js';

/**
 * The trash of deleted workspaces: list, restore (stopped, with its data, counted against the
 * owner's workspace quota again) and purge. The volume itself is removed by the worker's trash
 * pass, the one place besides a purging delete that ever removes a home volume.
 */
@Injectable()
export class TrashService {
  constructor(
    private readonly trash: TrashRepository,
    private readonly quota: QuotaService,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  async list(user: AuthenticatedUser): Promise<TrashListView> {
    const items = (await this.trash.list(scope(user))).map(toTrashItemView);
    return { items, nextCursor: null, trashDays: this.config.BERTH_TRASH_DAYS };
  }

  async restore(user: AuthenticatedUser, workspaceId: string): Promise<{ workspaceId: string; status: string }> {
    const item = await this.find(user, workspaceId);
    if (item.purgeRequestedAt) throw conflict('a purge of this workspace is already under way');
    let restored: boolean;
    try {
      restored = await this.quota.admit(item.ownerId, { addsWorkspace: true, starts: NOTHING }, (scope) =>
        scope.restoreTrashed(item.id),
      );
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict(`a workspace named ${item.name} exists again: rename or delete it first`, { field: 'name' });
      throw error;
    }
    if (!restored) throw notFound('trashed workspace');
    return { workspaceId: item.id, status: 'stopped' };
  }

  async purge(user: AuthenticatedUser, workspaceId: string, confirm?: string): Promise<void> {
    const item = await this.find(user, workspaceId);
    assertPurgeConfirmed(user.role, item.name, confirm);
    // Already asked: the same request repeated is answered the same way.
    await this.trash.requestPurge(item.id);
  }

  /** Another user's trash answers "not found", like their workspaces. */
  private async find(user: AuthenticatedUser, workspaceId: string): Promise<WorkspaceRecord> {
    const item = await this.trash.find(workspaceId, scope(user));
    if (!item) throw notFound('trashed workspace');
    return item;
  }
}

/** A restored workspace is stopped: it takes a workspace slot but no running resources. */
const NOTHING = { cpus: 0, memoryMb: 0 };

const scope = (user: AuthenticatedUser): string | null => (user.role === 'admin' ? null : user.id);

function toTrashItemView(w: WorkspaceRecord): TrashItemView {
  return {
    workspaceId: w.id,
    name: w.name,
    ownerId: w.ownerId,
    templateId: w.templateId,
    templateVersion: w.templateVersion,
    deletedAt: (w.deletedAt ?? w.updatedAt).toISOString(),
    expiresAt: (w.trashExpiresAt ?? w.updatedAt).toISOString(),
    purging: w.purgeRequestedAt !== null,
    homeUsageBytes: w.homeUsageBytes === null ? null : Number(w.homeUsageBytes),
  };
}
