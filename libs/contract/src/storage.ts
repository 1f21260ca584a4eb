import { z } from 'zod';
import { SNAPSHOT_KINDS, SNAPSHOT_STATUSES, VOLUME_STATES, type VolumeState } from '#domain';
import { named, nullableTimestamp, timestamp } from './registry.js';

export const SnapshotStatus = named('SnapshotStatus', z.enum(SNAPSHOT_STATUSES));

export const Snapshot = named(
  'Snapshot',
  z.object({
    id: z.uuid(),
    workspaceId: z.uuid(),
    kind: z.enum(SNAPSHOT_KINDS),
    status: SnapshotStatus,
    /** Compressed size in the store (null until ready). */
    sizeBytes: z.number().nullable(),
    /** sha256 of the stored archive, verified before every restore. */
    sha256: z.string().nullable(),
    templateVersion: z.number().int(),
    /** Who took it (null: the template's schedule, or Berth before a restore asked for by nobody). */
    createdById: z.uuid().nullable(),
    /** `schedule` for the template's snapshot schedule, else `user`. */
    takenBy: z.enum(['schedule', 'user']),
    error: z.string().nullable(),
    createdAt: timestamp(),
    finishedAt: nullableTimestamp(),
  }),
  "A snapshot of a workspace's home volume",
);

export const SnapshotAccepted = named('SnapshotAccepted', z.object({ id: z.uuid(), status: SnapshotStatus }));
export const SnapshotList = named('SnapshotList', z.object({ items: z.array(Snapshot), nextCursor: z.null() }));

export const TrashItem = named(
  'TrashItem',
  z.object({
    workspaceId: z.uuid(),
    name: z.string(),
    ownerId: z.uuid(),
    templateId: z.uuid(),
    templateVersion: z.number().int(),
    deletedAt: timestamp(),
    /** When the volume is purged unless restored first. */
    expiresAt: timestamp(),
    /** A purge was asked for; the worker removes the volume within a pass. */
    purging: z.boolean(),
    homeUsageBytes: z.number().nullable(),
  }),
  'A deleted workspace whose home volume the trash still keeps',
);

export const TrashList = named(
  'TrashList',
  z.object({
    items: z.array(TrashItem),
    nextCursor: z.string().nullable(),
    /** BERTH_TRASH_DAYS: how long a deleted workspace's home volume is kept. */
    trashDays: z.number().int(),
  }),
);

export const TrashRestored = named('TrashRestored', z.object({ workspaceId: z.uuid(), status: z.string() }));

export const VolumeItem = named(
  'VolumeItem',
  z.object({
    workspaceId: z.string(),
    volume: z.string(),
    state: z.enum(VOLUME_STATES),
    workspaceName: z.string().nullable(),
    /** The owner of record (Postgres), else the volume's owner label. */
    ownerId: z.string().nullable(),
    ownerEmail: z.string().nullable(),
    sizeBytes: z.number().nullable(),
    /** Last use, else the row's last change, else the engine's creation time (its own format). */
    lastUsedAt: z.string().nullable(),
    trashExpiresAt: nullableTimestamp(),
    snapshots: z.object({ count: z.number().int(), lastAt: nullableTimestamp() }),
  }),
  'A home volume in the admin inventory',
);

export const VolumeList = named(
  'VolumeList',
  z.object({
    items: z.array(VolumeItem),
    nextCursor: z.null(),
    /** How many volumes are in each state, so trashed ones are never read as orphans. */
    counts: z.object(
      Object.fromEntries(VOLUME_STATES.map((s) => [s, z.number().int()])) as Record<VolumeState, z.ZodNumber>,
    ),
  }),
);
