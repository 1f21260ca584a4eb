import { Inject, Injectable, Logger } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { conflict, notFound, trashExpiry, type VolumeState } from '#domain';
import { InventoryRepository, TemplatesRepository, UsersRepository, type WorkspaceRecord } from '#persistence';
import { RUNTIME_DRIVER, type ManagedVolume, type RuntimeDriver } from '#runtime';

/**
 * - `live`, `trash`: a volume and its workspace row agree;
 * - `orphan-volume`: Berth's labels but no workspace row (a restored database, a crash mid-create);
 * - `missing-volume`: a row whose volume is gone (removed outside Berth).
 * Nothing here deletes: an orphan is adopted into the trash (then restored or purged like any other)
 * or reported (an audit entry for whoever looks after the engine).
 */
export type { VolumeState };

export interface VolumeItemView {
  workspaceId: string;
  volume: string;
  state: VolumeState;
  workspaceName: string | null;
  /** The owner of record (Postgres), else the volume's owner label. */
  ownerId: string | null;
  ownerEmail: string | null;
  /** Last measured (live and trash: the worker's measurement; orphans: measured now). */
  sizeBytes: number | null;
  /** Last terminal, SSH, exec or proxy use, else the last change of the row. */
  lastUsedAt: string | null;
  trashExpiresAt: string | null;
  snapshots: { count: number; lastAt: string | null };
}

export interface VolumeInventoryView {
  items: VolumeItemView[];
  nextCursor: null;
  counts: Record<VolumeState, number>;
}

@Injectable()
export class VolumeInventoryService {
  private readonly logger = new Logger(VolumeInventoryService.name);

  constructor(
    @Inject(RUNTIME_DRIVER) private readonly runtime: RuntimeDriver,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly inventory: InventoryRepository,
    private readonly users: UsersRepository,
    private readonly templates: TemplatesRepository,
  ) {}

  /** `counts`: how many of each state, so trashed volumes are never read as orphans. */
  async list(): Promise<VolumeInventoryView> {
    const volumes = await this.runtime.inventoryVolumes();
    const byId = new Map(volumes.map((v) => [v.workspaceId, v]));
    const expected = await this.inventory.rowsWithVolumes();
    const labelled = await this.inventory.rowsByIds(volumes.map((v) => v.workspaceId));
    const rows = new Map([...expected, ...labelled].map((w) => [w.id, w]));
    const orphanIds = volumes.filter((v) => !rows.has(v.workspaceId)).map((v) => v.workspaceId);
    const none = new Map<string, number>();
    const measured = orphanIds.length > 0 ? await this.runtime.measureHomes(orphanIds).catch(() => none) : none;
    const snapshots = await this.inventory.snapshotSummaries([...new Set([...byId.keys(), ...rows.keys()])]);
    const owners = await this.emails(
      [...rows.values()].map((w) => w.ownerId).concat(volumes.flatMap((v) => v.ownerLabel ?? [])),
    );

    const items: VolumeItemView[] = [];
    for (const v of volumes) {
      const row = rows.get(v.workspaceId);
      const state: VolumeState = !row ? 'orphan-volume' : row.deletedAt ? 'trash' : 'live';
      items.push(this.item(v.workspaceId, v, row, state, measured.get(v.workspaceId) ?? null, snapshots, owners));
    }
    for (const row of expected)
      if (!byId.has(row.id)) items.push(this.item(row.id, null, row, 'missing-volume', null, snapshots, owners));
    const counts: Record<VolumeState, number> = { live: 0, trash: 0, 'orphan-volume': 0, 'missing-volume': 0 };
    for (const item of items) counts[item.state]++;
    return { items, nextCursor: null, counts };
  }

  /** An orphan volume becomes a trashed workspace of its labelled owner (or the admin), restorable or purgeable. */
  async adopt(adminId: string, workspaceId: string): Promise<VolumeItemView> {
    const volume = (await this.runtime.inventoryVolumes()).find((v) => v.workspaceId === workspaceId);
    if (!volume) throw notFound('volume');
    if ((await this.inventory.rowsByIds([workspaceId])).length > 0)
      throw conflict('this volume belongs to a workspace already; only orphans are adopted');
    const labelled = volume.ownerLabel ? await this.users.findById(volume.ownerLabel) : null;
    const template = (await this.templates.list()).find((t) => t.active);
    if (!template) throw conflict('there is no template to attach the adopted volume to; create one first');
    await this.inventory.adoptIntoTrash({
      id: workspaceId,
      name: `adopted-${workspaceId.slice(0, 8)}`,
      ownerId: labelled?.id ?? adminId,
      templateId: template.id,
      templateVersion: template.activeVersion,
      trashExpiresAt: trashExpiry(this.config.BERTH_TRASH_DAYS),
    });
    this.logger.warn(`orphan volume ${volume.name} adopted into the trash`);
    return this.find(workspaceId);
  }

  /** "Report": nothing changes; the audit log gets the entry (by the interceptor) and the log a line. */
  async report(workspaceId: string): Promise<VolumeItemView> {
    const item = await this.find(workspaceId);
    this.logger.warn(`volume ${item.volume} reported by an admin: ${item.state}`);
    return item;
  }

  private async find(workspaceId: string): Promise<VolumeItemView> {
    const item = (await this.list()).items.find((i) => i.workspaceId === workspaceId);
    if (!item) throw notFound('volume');
    return item;
  }

  private async emails(ids: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    const found = await Promise.all(unique.map((id) => this.users.findById(id).catch(() => null)));
    return new Map(found.flatMap((u) => (u ? [[u.id, u.email] as const] : [])));
  }

  private item(
    workspaceId: string,
    volume: ManagedVolume | null,
    row: WorkspaceRecord | undefined,
    state: VolumeState,
    measuredBytes: number | null,
    snapshots: Map<string, { count: number; lastAt: Date | null }>,
    owners: Map<string, string>,
  ): VolumeItemView {
    const ownerId = row?.ownerId ?? volume?.ownerLabel ?? null;
    const snapshot = snapshots.get(workspaceId);
    return {
      workspaceId,
      volume: volume?.name ?? `berth-ws-${workspaceId}-home`,
      state,
      workspaceName: row?.name ?? null,
      ownerId,
      ownerEmail: ownerId ? (owners.get(ownerId) ?? null) : null,
      sizeBytes: row?.homeUsageBytes != null ? Number(row.homeUsageBytes) : measuredBytes,
      lastUsedAt: (row?.lastActivityAt ?? row?.updatedAt ?? null)?.toISOString() ?? volume?.createdAt ?? null,
      trashExpiresAt: row?.trashExpiresAt?.toISOString() ?? null,
      snapshots: { count: snapshot?.count ?? 0, lastAt: snapshot?.lastAt?.toISOString() ?? null },
    };
  }
}
