import { Injectable, Logger } from '@nestjs/common';
import { type AuthenticatedUser } from '#auth';
import { AuditRepository, type AuditEntry, type AuditQuery } from '#persistence';
import { type View } from '#contract';

export interface AuditRecord {
  /** The signed-in user, or null for anonymous attempts (e.g. a failed login). */
  actor: AuthenticatedUser | null;
  /** Overrides `actor.via` (e.g. 'oidc' for single sign-on) or names an anonymous attempt's email. */
  via?: AuditEntry['via'];
  actorEmail?: string;
  action: string;
  targetType?: string;
  targetId?: string;
  ip: string | null;
  outcome: AuditEntry['outcome'];
  details?: Record<string, string | number | boolean | null>;
}

/** An audit row as the API shows it: the contract's view (libs/contract admin.ts), not a copy. */
export type AuditEventView = View<'AuditEvent'>;

/** The audit trail: who did what to which object, when, from where, and how they authenticated. */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(private readonly audit: AuditRepository) {}

  async record(r: AuditRecord): Promise<void> {
    try {
      await this.audit.append({
        actorId: r.actor?.id ?? null,
        actorEmail: r.actor?.email ?? r.actorEmail ?? null,
        via: r.via ?? r.actor?.via ?? 'anonymous',
        tokenId: r.actor?.tokenId ?? null,
        action: r.action,
        targetType: r.targetType ?? null,
        targetId: r.targetId ?? null,
        ip: r.ip,
        outcome: r.outcome,
        details: r.details ?? {},
      });
    } catch (error) {
      // An audit write must never turn a done change into an error answer; it is logged loudly instead.
      this.logger.error(
        `audit event ${r.action} not recorded: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  async list(q: AuditQuery): Promise<{ events: AuditEventView[]; nextBefore: string | null }> {
    const rows = await this.audit.find(q);
    const events = rows.map((e) => ({
      id: e.id.toString(),
      at: e.at.toISOString(),
      actorId: e.actorId,
      actorEmail: e.actorEmail,
      via: e.via,
      tokenId: e.tokenId,
      action: e.action,
      targetType: e.targetType,
      targetId: e.targetId,
      ip: e.ip,
      outcome: e.outcome,
      details: e.details,
    }));
    return { events, nextBefore: rows.length === q.limit ? (events.at(-1)?.id ?? null) : null };
  }
}
