import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditRepository, TrashRepository, type WorkspaceRecord } from '#persistence';
import { RUNTIME_DRIVER, type RuntimeDriver } from '#runtime';

export type PurgeReason = 'requested' | 'trash expired';

/**
 * Deletes a home volume for good and writes it down: the volume, then `purgedAt`, then one audit
 * row per purge (actor: who asked, or the system for an expiry). Safe to run twice: a volume
 * already gone counts as removed.
 */
@Injectable()
export class TrashPurger {
  private readonly logger = new Logger(TrashPurger.name);

  constructor(
    @Inject(RUNTIME_DRIVER) private readonly runtime: RuntimeDriver,
    private readonly trash: TrashRepository,
    private readonly audit: AuditRepository,
  ) {}

  async purge(ws: WorkspaceRecord, reason: PurgeReason, actorId: string | null, signal?: AbortSignal): Promise<void> {
    await this.runtime.removeVolume(ws.id, signal);
    const at = new Date();
    await this.trash.markPurged(ws.id, at);
    await this.audit.append({
      actorId,
      actorEmail: null,
      via: 'system',
      tokenId: null,
      action: 'workspace.purge',
      targetType: 'workspace',
      targetId: ws.id,
      ip: null,
      outcome: 'success',
      details: {
        reason,
        name: ws.name,
        ownerId: ws.ownerId,
        homeUsageBytes: ws.homeUsageBytes === null ? null : Number(ws.homeUsageBytes),
        ...(ws.trashExpiresAt ? { trashExpiresAt: ws.trashExpiresAt.toISOString() } : {}),
      },
    });
    this.logger.log(`purged the home volume of workspace ${ws.id} (${reason})`);
  }
}
