import { Injectable } from '@nestjs/common';
import { conflict, desiredStateSchema, resolvedParametersSchema, type JsonValue } from '#domain';
import type * as rows from './generated/client.js';
import { maybe, toUser, toWorkspace } from './mappers.js';
import { PrismaService } from './prisma.service.js';
import { type BuildRecord, type UserRecord, type WorkspaceRecord } from './records.js';
import { type TransitionRequest } from './builds.repository.js';
import { insertTransition } from './transition-insert.js';
import { type NewWorkspace } from './workspaces.repository.js';
import { claimPoolSlot, type PoolClaim } from './pool-claim.js';

type Tx = rows.Prisma.TransactionClient;

/** One live workspace of an owner, with the spec of the template version it runs (to price it). */
export interface QuotaHolding extends Pick<WorkspaceRecord, 'id' | 'status' | 'desiredState' | 'parameters'> {
  /** null when the version row is gone (cannot happen with the current schema; priced as the defaults). */
  spec: JsonValue | null;
}

/** What a quota check reads and writes while it holds the owner's lock; every call uses the lock's transaction. */
export interface QuotaScope {
  owner(): Promise<UserRecord | null>;
  holdings(): Promise<QuotaHolding[]>;
  /** Throws a unique violation when the owner already has a live workspace of that name. */
  createWorkspace(data: NewWorkspace): Promise<WorkspaceRecord>;
  /** A warm pool slot made this owner's workspace (pool-claim.ts), or null when none matches. */
  claimPoolSlot(claim: Omit<PoolClaim, 'ownerId'>): Promise<WorkspaceRecord | null>;
  /** BuildsRepository's transition insert, inside the lock's transaction. */
  createTransition(req: TransitionRequest): Promise<BuildRecord>;
  /**
   * Brings a trashed workspace back, stopped (false: it left the trash meanwhile). Throws a unique
   * violation when the owner has a live workspace of its name again.
   */
  restoreTrashed(id: string, now?: Date): Promise<boolean>;
  /** Moves a live workspace and its snapshots to the lock's owner; throws a unique violation on a name clash. */
  transferWorkspace(id: string, fromOwnerId: string, toOwnerId: string): Promise<void>;
}

/**
 * Arbitrary constant that namespaces Berth's per-user quota locks among Postgres advisory locks
 * (two-key form: this, then hashtext(userId)), so no other advisory lock user can collide with them.
 */
const QUOTA_LOCK_CLASS = 0x62717461; // "bqta"

@Injectable()
export class QuotasRepository {
  private readonly ownerQueues = new Map<string, Promise<void>>();

  constructor(private readonly prisma: PrismaService) {}

  /**
   * Runs `work` in one transaction holding the owner's advisory lock, so two requests of the same
   * owner cannot both read the usage, both pass the check and both insert. The insert must go
   * through the scope: written on another connection it would need a second pooled connection
   * while this one waits, and concurrent requests could exhaust the pool.
   */
  async withOwnerLock<T>(ownerId: string, work: (scope: QuotaScope) => Promise<T>): Promise<T> {
    // One owner's requests queue here, in this process, before they take a pooled connection: a
    // burst of them would otherwise fill the pool with transactions that only wait for the same
    // advisory lock, and every other owner's request would find no connection (seen with 50
    // workspaces requested at once by 10 users). The advisory lock still orders processes.
    const previous = this.ownerQueues.get(ownerId) ?? Promise.resolve();
    const run = previous.then(() =>
      // Lock waits count against `timeout`; generous bounds so a burst of one owner's requests queues instead of failing.
      this.prisma.$transaction(
        async (tx) => {
          await tx.$executeRaw`SELECT pg_advisory_xact_lock(${QUOTA_LOCK_CLASS}::int, hashtext(${ownerId}))`;
          return work(scopeOf(tx, ownerId));
        },
        { maxWait: 10_000, timeout: 20_000 },
      ),
    );
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.ownerQueues.set(ownerId, settled);
    try {
      return await run;
    } finally {
      // Bounded by the owners with a request in flight: the last one out removes its queue.
      if (this.ownerQueues.get(ownerId) === settled) this.ownerQueues.delete(ownerId);
    }
  }

  /** The owner's live workspaces, without a lock (for showing usage). */
  holdings(ownerId: string): Promise<QuotaHolding[]> {
    return holdingsOf(this.prisma, ownerId);
  }

  /** The owner's home volumes together, as last measured (one aggregate query). */
  async homeUsageBytes(ownerId: string): Promise<number> {
    const sum = await this.prisma.workspace.aggregate({
      where: { ownerId, deletedAt: null },
      _sum: { homeUsageBytes: true },
    });
    return Number(sum._sum.homeUsageBytes ?? 0);
  }
}

function scopeOf(tx: Tx, ownerId: string): QuotaScope {
  return {
    owner: async () => maybe(toUser)(await tx.user.findUnique({ where: { id: ownerId } })),
    holdings: () => holdingsOf(tx, ownerId),
    createWorkspace: async (data) =>
      toWorkspace(await tx.workspace.create({ data: { ...data, status: 'pending', desiredState: 'running' } })),
    claimPoolSlot: (claim) => claimPoolSlot(tx, { ...claim, ownerId }),
    createTransition: (req) => insertTransition(tx, req),
    transferWorkspace: async (id, fromOwnerId, toOwnerId) => {
      const { count } = await tx.workspace.updateMany({
        where: { id, ownerId: fromOwnerId, deletedAt: null },
        data: { ownerId: toOwnerId },
      });
      if (count !== 1) throw conflict('the workspace changed meanwhile; try again');
      await tx.snapshot.updateMany({ where: { workspaceId: id }, data: { ownerId: toOwnerId } });
    },
    restoreTrashed: async (id, now = new Date()) => {
      const { count } = await tx.workspace.updateMany({
        where: {
          id,
          ownerId,
          deletedAt: { not: null },
          purgedAt: null,
          purgeRequestedAt: null,
          trashExpiresAt: { gt: now },
        },
        data: {
          deletedAt: null,
          trashExpiresAt: null,
          status: 'stopped',
          desiredState: 'stopped',
          lastError: null,
          ports: [],
          dormantAt: null,
          deletesAt: null,
        },
      });
      return count === 1;
    },
  };
}

async function holdingsOf(db: Tx, ownerId: string): Promise<QuotaHolding[]> {
  const workspaces = await db.workspace.findMany({
    where: { ownerId, deletedAt: null },
    select: { id: true, status: true, desiredState: true, parameters: true, templateId: true, templateVersion: true },
  });
  if (workspaces.length === 0) return [];
  const versions = await db.templateVersion.findMany({
    where: { OR: workspaces.map((w) => ({ templateId: w.templateId, version: w.templateVersion })) },
    select: { templateId: true, version: true, spec: true },
  });
  const specs = new Map(versions.map((v) => [`${v.templateId}/${v.version}`, v.spec]));
  return workspaces.map((w) => ({
    id: w.id,
    status: w.status,
    desiredState: desiredStateSchema.parse(w.desiredState),
    parameters: resolvedParametersSchema.parse(w.parameters),
    spec: specs.get(`${w.templateId}/${w.templateVersion}`) ?? null,
  }));
}
