import { type SnapshotRecord } from '#persistence';

/** One snapshot of a home volume, as the API shows it. */
export interface SnapshotView {
  id: string;
  workspaceId: string;
  /** manual, scheduled (the template's schedule) or before-restore (the home as it was before a restore). */
  kind: string;
  /** pending → running → ready | failed */
  status: string;
  /** Compressed size in the store (null until ready). */
  sizeBytes: number | null;
  /** sha256 of the stored archive, verified before every restore. */
  sha256: string | null;
  templateVersion: number;
  /** Who took it (null: the template's schedule, or Berth before a restore asked for by nobody). */
  createdById: string | null;
  /** `schedule` for the template's schedule, else `user` (createdById says who). */
  takenBy: 'schedule' | 'user';
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export function toSnapshotView(s: SnapshotRecord): SnapshotView {
  return {
    id: s.id,
    workspaceId: s.workspaceId,
    kind: s.kind,
    status: s.status,
    sizeBytes: s.sizeBytes === null ? null : Number(s.sizeBytes),
    sha256: s.sha256,
    templateVersion: s.templateVersion,
    createdById: s.createdById,
    takenBy: s.kind === 'scheduled' ? 'schedule' : 'user',
    error: s.error,
    createdAt: s.createdAt.toISOString(),
    finishedAt: s.finishedAt?.toISOString() ?? null,
  };
}
