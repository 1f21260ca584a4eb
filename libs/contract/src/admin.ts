import { z } from 'zod';
import { named, nullableTimestamp, timestamp } from './registry.js';

export const AuditEvent = named(
  'AuditEvent',
  z.object({
    id: z.string(),
    at: timestamp(),
    actorId: z.uuid().nullable(),
    actorEmail: z.string().nullable(),
    via: z.string(),
    tokenId: z.uuid().nullable(),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    ip: z.string().nullable(),
    outcome: z.string(),
    details: z.unknown(),
  }),
  'Who did what to which object, when, from where',
);

export const AuditPage = named(
  'AuditPage',
  z.object({ events: z.array(AuditEvent), nextBefore: z.string().nullable() }),
  'Newest first; pass `before=<nextBefore>` for the next page',
);

/** BullMQ job counts per state, as the admin system page asks for them. */
const counts = z.object({
  waiting: z.number().int(),
  active: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  delayed: z.number().int(),
});
const runtime = z.object({
  kind: z.string(),
  serverVersion: z.string(),
  containersRunning: z.number().int(),
  images: z.number().int(),
  /** Swarm: nodes refused for hardening (no-new-privileges not the daemon default). */
  refusedNodes: z.array(z.object({ id: z.string(), hostname: z.string(), reason: z.string() })).optional(),
});

/** One template version's warm pool: the admin's size and its slots by state. */
export const PoolVersion = named(
  'PoolVersion',
  z.object({
    templateId: z.uuid(),
    templateName: z.string(),
    version: z.number().int(),
    size: z.number().int(),
    promoted: z.boolean(),
    warming: z.number().int(),
    ready: z.number().int(),
    draining: z.number().int(),
  }),
);

export const SystemInfo = named(
  'SystemInfo',
  z.object({
    queues: z.record(z.string(), counts),
    runtime,
    /** Deprecated: the first round's name for `runtime` (same facts, without `kind`). */
    docker: runtime.omit({ kind: true }),
    /** The warm pool: the global cap (BERTH_POOL_MAX) and each version with a pool. */
    pool: z.object({ max: z.number().int(), versions: z.array(PoolVersion) }),
  }),
  'Queue and engine health',
);

export const QueueJob = named(
  'QueueJob',
  z.object({
    id: z.string(),
    queue: z.string(),
    name: z.string(),
    state: z.string(),
    /** The job's payload as queued (ids only: builds and template versions live in Postgres). */
    data: z.unknown(),
    failedReason: z.string().nullable(),
    attemptsMade: z.number().int(),
    queuedAt: timestamp(),
    startedAt: nullableTimestamp(),
    finishedAt: nullableTimestamp(),
  }),
);

export const QueueJobRemoved = named('QueueJobRemoved', z.object({ id: z.string(), removed: z.literal(true) }));

/** `/healthz` and `/readyz` (Terminus): `status` and each dependency's state. */
export const Health = named(
  'Health',
  z.looseObject({
    status: z.string(),
    info: z.record(z.string(), z.unknown()).optional(),
    error: z.record(z.string(), z.unknown()).optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
);

/** One host that runs workspaces (BERTH_RUNTIME=swarm: a Swarm node; one engine: one node). */
export const RuntimeNode = named(
  'RuntimeNode',
  z.object({
    id: z.string(),
    hostname: z.string(),
    state: z.string(),
    cordoned: z.boolean(),
    cordonReason: z.string().nullable(),
    nanoCpus: z.number(),
    memoryBytes: z.number(),
    /** Workspaces whose home lives there, and those running there now. */
    workspaces: z.number().int(),
    running: z.number().int(),
    hardening: z.enum(['ok', 'refused', 'unchecked']),
  }),
  'A node with its capacity, load, cordon and hardening check',
);
