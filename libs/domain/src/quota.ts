import { BerthError, ErrorCode } from './errors.js';
import type { WorkspaceStatus } from './workspace-state.js';

/**
 * Per-user quotas: pure rules, no I/O. The API loads the limits and the owner's workspaces under a
 * per-user lock, asks `checkQuota`, and writes only when it answers null.
 */
export const QUOTA_LIMITS = ['maxWorkspaces', 'maxRunning', 'maxCpus', 'maxMemoryMb'] as const;
export type QuotaLimit = (typeof QUOTA_LIMITS)[number];

export type QuotaLimits = Record<QuotaLimit, number>;

/** What the owner holds now: live workspaces, and count/CPU/memory of those running or about to run. */
export interface QuotaUsage {
  workspaces: number;
  running: number;
  cpus: number;
  memoryMb: number;
}

/** The effective resources of one workspace: its template version's resources with its parameters applied. */
export interface QuotaCost {
  cpus: number;
  memoryMb: number;
}

export interface QuotaRequest {
  /** A new workspace is created (counts against maxWorkspaces). */
  addsWorkspace: boolean;
  /** The workspace will run with these resources (create, start, restart, rebuild, update). */
  starts?: QuotaCost;
  /**
   * What the same workspace is charged for now, when it already counts as running (restart,
   * rebuild or update of a running workspace): it is replaced, not added a second time.
   */
  replaces?: QuotaCost;
}

export interface QuotaViolation {
  limit: QuotaLimit;
  allowed: number;
  /** Usage before the request. */
  current: number;
  /** What the owner would hold had it been accepted. */
  requested: number;
}

/**
 * Whether a workspace is charged against maxRunning/maxCpus/maxMemoryMb: it runs, or a start is
 * queued or in flight (a brand-new workspace is `pending`; restart/rebuild/update pass through
 * `stopping` with `running` desired). `stopped`, `failed` and a stop in flight are not charged:
 * the owner has let them go (a failed workspace can be started again, which charges it).
 */
export function chargesResources(status: WorkspaceStatus, desiredState: string): boolean {
  if (status === 'pending' || status === 'starting' || status === 'running') return true;
  return status === 'stopping' && desiredState === 'running';
}

/** Sums the owner's live workspaces; `cost` is that workspace's effective resources. */
export function quotaUsage(
  workspaces: readonly { status: WorkspaceStatus; desiredState: string; cost: QuotaCost }[],
): QuotaUsage {
  const usage: QuotaUsage = { workspaces: 0, running: 0, cpus: 0, memoryMb: 0 };
  for (const ws of workspaces) {
    if (ws.status === 'deleted') continue;
    usage.workspaces++;
    if (!chargesResources(ws.status, ws.desiredState)) continue;
    usage.running++;
    usage.cpus = tidy(usage.cpus + ws.cost.cpus);
    usage.memoryMb += ws.cost.memoryMb;
  }
  return usage;
}

/**
 * The first limit the request would break, in a fixed order (maxWorkspaces, maxRunning, maxCpus,
 * maxMemoryMb), or null. A dimension the request does not increase is never refused, so a
 * restart of a running workspace still works after an admin lowered the quota below its usage.
 */
export function checkQuota(limits: QuotaLimits, usage: QuotaUsage, request: QuotaRequest): QuotaViolation | null {
  const started = request.starts ? 1 : 0;
  const released = request.replaces ? 1 : 0;
  const after: Record<QuotaLimit, [current: number, next: number]> = {
    maxWorkspaces: [usage.workspaces, usage.workspaces + (request.addsWorkspace ? 1 : 0)],
    maxRunning: [usage.running, usage.running - released + started],
    maxCpus: [usage.cpus, tidy(usage.cpus - (request.replaces?.cpus ?? 0) + (request.starts?.cpus ?? 0))],
    maxMemoryMb: [usage.memoryMb, usage.memoryMb - (request.replaces?.memoryMb ?? 0) + (request.starts?.memoryMb ?? 0)],
  };
  for (const limit of QUOTA_LIMITS) {
    const [current, next] = after[limit];
    if (next > current && next > limits[limit]) return { limit, allowed: limits[limit], current, requested: next };
  }
  return null;
}

/** The 403 problem: `quota exceeded: maxRunning is 2 (you have 2 running)`, with the numbers as fields. */
export function quotaExceeded(violation: QuotaViolation): BerthError {
  const { limit, allowed, current, requested } = violation;
  const held: Record<QuotaLimit, string> = {
    maxWorkspaces: `you have ${current} workspaces`,
    maxRunning: `you have ${current} running`,
    maxCpus: `running workspaces use ${current} CPUs; this would make ${requested}`,
    maxMemoryMb: `running workspaces use ${current} MB; this would make ${requested}`,
  };
  return new BerthError(ErrorCode.QuotaExceeded, `quota exceeded: ${limit} is ${allowed} (${held[limit]})`, {
    limit,
    allowed,
    current,
    requested,
  });
}

/** CPU counts are decimals (0.25 + 0.5): rounding keeps sums like 0.30000000000000004 out of comparisons and messages. */
const tidy = (n: number): number => Math.round(n * 1000) / 1000;

const MIB = 1024 * 1024;

/**
 * Snapshot storage: null while there is room, else the 403 problem naming what is used and what
 * frees room. One wording for a snapshot asked for by hand (API) and one the schedule takes (worker).
 */
export function snapshotStorageFull(usedBytes: number, limitMb: number): BerthError | null {
  if (usedBytes < limitMb * MIB) return null;
  return new BerthError(
    ErrorCode.QuotaExceeded,
    `snapshot storage is full: ${(usedBytes / MIB).toFixed(1)} MiB used of ${limitMb} MiB; delete snapshots to make room`,
    { limit: 'snapshotMb', used: usedBytes, max: limitMb * MIB },
  );
}
