import { conflict } from '#domain';
import type * as rows from './generated/client.js';
import { toBuild } from './mappers.js';
import { type BuildRecord } from './records.js';
import { type TransitionRequest } from './builds.repository.js';

/**
 * Inserts the build and moves the workspace, inside the caller's transaction. The status is
 * re-read under a row lock: a decision made on a status read earlier (before a concurrent
 * request's build finished) must not start a second transition. The partial unique index "one
 * active build per workspace" makes a concurrent second insert fail with P2002.
 */
export async function insertTransition(
  tx: rows.Prisma.TransactionClient,
  req: TransitionRequest,
): Promise<BuildRecord> {
  const [current] = await tx.$queryRaw<
    { status: string }[]
  >`SELECT status::text AS status FROM "Workspace" WHERE id = ${req.workspaceId}::uuid FOR UPDATE`;
  if (req.allowedFrom && (!current || !(req.allowedFrom as readonly string[]).includes(current.status))) {
    const status = current?.status ?? 'deleted';
    throw conflict(`cannot ${req.kind} a workspace that is ${status}`, { workspaceStatus: status });
  }
  if (req.dueForDeletionBy) {
    // The row is locked now, so this read cannot race with a start clearing the dormancy.
    const deletesAt = (await tx.workspace.findUnique({ where: { id: req.workspaceId }, select: { deletesAt: true } }))
      ?.deletesAt;
    if (!deletesAt || deletesAt > req.dueForDeletionBy) throw conflict('the workspace is no longer due for deletion');
  }
  if (req.unusedSince) {
    const usedAt = (await tx.workspace.findUnique({ where: { id: req.workspaceId }, select: { lastActivityAt: true } }))
      ?.lastActivityAt;
    if (usedAt && usedAt > req.unusedSince) throw conflict('the workspace was used meanwhile');
    // A transition asked for since then (a restart that has finished already) is use too.
    const later = await tx.build.count({ where: { workspaceId: req.workspaceId, queuedAt: { gt: req.unusedSince } } });
    if (later > 0) throw conflict('the workspace was used meanwhile');
  }
  const build = await tx.build.create({
    data: {
      workspaceId: req.workspaceId,
      kind: req.kind,
      templateVersion: req.templateVersion,
      requestedById: req.requestedById,
      reinitialize: req.reinitialize ?? false,
      reason: req.reason ?? null,
      snapshotId: req.snapshotId ?? null,
    },
  });
  // Using a workspace again (start, rebuild, update…) ends its dormancy: this is the one place every
  // transition passes, so no path can start a dormant workspace and leave its deletion scheduled.
  const dormancy = req.kind === 'delete' ? {} : { dormantAt: null, deletesAt: null };
  await tx.workspace.update({
    where: { id: req.workspaceId },
    data: {
      status: req.requestedStatus,
      desiredState: req.desiredState,
      lastError: null,
      templateVersion: req.templateVersion,
      stopReason: req.reason ?? null,
      ...dormancy,
    },
  });
  return toBuild(build);
}
