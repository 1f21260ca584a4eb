import { type TemplateSpec } from './template-spec.js';

/**
 * Retention rules (a template's `retention`), pure so they can be tested without a clock or a
 * database: when a stopped workspace becomes dormant, when its deletion is near enough to warn,
 * and when it is due. The worker's RetentionService does the I/O around them.
 */
export type RetentionPolicy = NonNullable<TemplateSpec['retention']>;

export const DAY_MS = 86_400_000;

/** Never warn earlier than a day ahead, and for a short grace period at half of it. */
const MAX_WARNING_MS = DAY_MS;

export interface RetentionState {
  /** Latest use: activity, or when its last transition finished (i.e. when it stopped). */
  lastUse: Date;
  dormantAt: Date | null;
  deletesAt: Date | null;
}

export type RetentionStep =
  /** Nothing to do now. */
  | { kind: 'keep' }
  /** Unused for the threshold: mark it dormant now, to be deleted then (null: never). */
  | { kind: 'make-dormant'; dormantAt: Date; deletesAt: Date | null }
  /** Dormant, and its deletion is less than the warning window away. */
  | { kind: 'warn-deletion'; dormantAt: Date; deletesAt: Date }
  /** Dormant past its grace period: delete it. */
  | { kind: 'delete'; dormantAt: Date };

export function retentionStep(policy: RetentionPolicy, state: RetentionState, now: Date): RetentionStep {
  if (!state.dormantAt) {
    if (now.getTime() - state.lastUse.getTime() < policy.dormantAfterDays * DAY_MS) return { kind: 'keep' };
    // The grace period counts from when it is marked, not from the threshold: a worker that was
    // down for a while must not delete without the full, announced grace period.
    const deletesAt =
      policy.deleteAfterDays === undefined ? null : new Date(now.getTime() + policy.deleteAfterDays * DAY_MS);
    return { kind: 'make-dormant', dormantAt: now, deletesAt };
  }
  if (!state.deletesAt) return { kind: 'keep' };
  const left = state.deletesAt.getTime() - now.getTime();
  if (left <= 0) return { kind: 'delete', dormantAt: state.dormantAt };
  const grace = state.deletesAt.getTime() - state.dormantAt.getTime();
  if (left < Math.min(MAX_WARNING_MS, grace / 2))
    return { kind: 'warn-deletion', dormantAt: state.dormantAt, deletesAt: state.deletesAt };
  return { kind: 'keep' };
}

/** Why Berth deletes a dormant workspace (kept on the delete build). */
export function retentionDeleteReason(policy: RetentionPolicy, dormantAt: Date): string {
  const grace =
    policy.deleteAfterDays === undefined ? '' : `, then not started for ${describeDays(policy.deleteAfterDays)}`;
  return `dormant since ${dormantAt.toISOString()}: unused for ${describeDays(policy.dormantAfterDays)}${grace}`;
}

/** "30 days", "1.5 days", "12 h", "5 min", "3 s": fractional days read as people say them. */
export function describeDays(days: number): string {
  const round = (n: number): number => Math.round(n * 10) / 10;
  const seconds = days * 86_400;
  if (days >= 1) return `${round(days)} ${round(days) === 1 ? 'day' : 'days'}`;
  if (seconds >= 3600) return `${round(seconds / 3600)} h`;
  if (seconds >= 60) return `${round(seconds / 60)} min`;
  return `${round(seconds)} s`;
}
