import { type ResolvedParameters, type WorkspacePort } from '#domain';
import type * as rows from './generated/client.js';
import { toJsonInput, toWorkspace } from './mappers.js';
import { type WorkspaceRecord } from './records.js';

/** What a request must match to take a warm slot, and who takes it under which name. */
export interface PoolClaim {
  templateId: string;
  templateVersion: number;
  parametersKey: string;
  parameters: ResolvedParameters;
  ownerId: string;
  name: string;
}

/**
 * Takes one ready slot, if any matches, and makes it the caller's workspace (same id, so the
 * container and volume already carry it), inside the caller's transaction (the owner's quota lock).
 *
 * The claim is ONE statement: the inner SELECT locks the oldest matching ready slot and skips any
 * row another transaction holds (SKIP LOCKED), and the UPDATE sets state, owner and name. Twenty
 * concurrent requests therefore take twenty different slots, or fall back to a cold start; none
 * waits for another, and none can take a slot twice. If the workspace insert fails (a name clash),
 * the transaction rolls back and the slot is ready again.
 */
export async function claimPoolSlot(
  tx: rows.Prisma.TransactionClient,
  claim: PoolClaim,
): Promise<WorkspaceRecord | null> {
  const [slot] = await tx.$queryRaw<{ id: string; ports: unknown }[]>`
    UPDATE "PoolSlot" SET state = 'claimed', "ownerId" = ${claim.ownerId}::uuid, "workspaceName" = ${claim.name},
      "claimedAt" = now()
    WHERE id = (
      SELECT id FROM "PoolSlot"
      WHERE "templateId" = ${claim.templateId}::uuid AND "templateVersion" = ${claim.templateVersion}
        AND "parametersKey" = ${claim.parametersKey} AND state = 'ready'
      ORDER BY "readyAt" LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING id::text AS id, ports`;
  if (!slot) return null;
  const now = new Date();
  const row = await tx.workspace.create({
    data: {
      id: slot.id,
      name: claim.name,
      ownerId: claim.ownerId,
      templateId: claim.templateId,
      templateVersion: claim.templateVersion,
      parameters: toJsonInput(claim.parameters),
      status: 'pending',
      desiredState: 'running',
      ports: toJsonInput(slot.ports as WorkspacePort[]),
      // The pool prepared the volume and ran the scripts when it started the container.
      volumePreparedAt: now,
      initializedAt: now,
    },
  });
  return toWorkspace(row);
}
