import { Injectable } from '@nestjs/common';
import { type JsonValue } from '#domain';
import { toJsonInput } from './mappers.js';
import { PrismaService } from './prisma.service.js';

export interface AuditEntry {
  actorId: string | null;
  actorEmail: string | null;
  via: 'session' | 'token' | 'oidc' | 'ssh' | 'system' | 'anonymous';
  tokenId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  outcome: 'success' | 'failure';
  details: { readonly [key: string]: JsonValue | undefined };
}

/** One stored audit row. */
export interface AuditEvent extends Omit<AuditEntry, 'details'> {
  id: bigint;
  at: Date;
  details: JsonValue;
}

export interface AuditQuery {
  actorId?: string;
  action?: string;
  targetId?: string;
  outcome?: 'success' | 'failure';
  since?: Date;
  until?: Date;
  /** Keyset pagination: events older than this id. */
  before?: bigint;
  limit: number;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  async append(entry: AuditEntry): Promise<void> {
    await this.prisma.auditEvent.create({ data: { ...entry, details: toJsonInput(entry.details) } });
  }

  async find(q: AuditQuery): Promise<AuditEvent[]> {
    const rows = await this.prisma.auditEvent.findMany({
      where: {
        ...(q.actorId ? { actorId: q.actorId } : {}),
        ...(q.action ? { action: q.action.endsWith('*') ? { startsWith: q.action.slice(0, -1) } : q.action } : {}),
        ...(q.targetId ? { targetId: q.targetId } : {}),
        ...(q.outcome ? { outcome: q.outcome } : {}),
        ...(q.since || q.until
          ? { at: { ...(q.since ? { gte: q.since } : {}), ...(q.until ? { lt: q.until } : {}) } }
          : {}),
        ...(q.before ? { id: { lt: q.before } } : {}),
      },
      orderBy: { id: 'desc' },
      take: q.limit,
    });
    return rows.map((row) => ({
      ...row,
      via: row.via as AuditEntry['via'],
      outcome: row.outcome as AuditEntry['outcome'],
    }));
  }
}
