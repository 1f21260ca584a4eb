import { z } from 'zod';

/**
 * A template's snapshot schedule (`snapshots: { schedule, keep }` in its spec), and the pure rule
 * that says when a workspace is due for its next scheduled snapshot, so it can be tested without
 * a clock, a queue or a database. The worker's SnapshotScheduler does the I/O around it.
 *
 * `schedule` is what admins of Coder or Codespaces-like tools reach for first: `hourly`, `daily`
 * or `weekly`, or an interval such as `6h`, `30m` or `2d` (seconds, `30s`, exist for tests). It
 * is an interval from the workspace's last scheduled snapshot, not a wall-clock cron: a worker
 * that was down takes one snapshot when it is back, not one per missed slot.
 */
const NAMED: Record<string, number> = { hourly: 3_600_000, daily: 86_400_000, weekly: 7 * 86_400_000 };
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const INTERVAL = /^([1-9]\d{0,5})(s|m|h|d)$/;
/** A year: a longer interval is a typo, not a backup plan. */
const MAX_INTERVAL_MS = 365 * 86_400_000;

/** The interval in milliseconds of `hourly`, `daily`, `weekly` or `<n>s|m|h|d`; null when it is none of them. */
export function scheduleIntervalMs(schedule: string): number | null {
  const named = NAMED[schedule];
  if (named) return named;
  const match = INTERVAL.exec(schedule);
  if (!match) return null;
  const ms = Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
  return ms > 0 && ms <= MAX_INTERVAL_MS ? ms : null;
}

export const snapshotScheduleSchema = z
  .object({
    schedule: z
      .string()
      .max(16)
      .refine(
        (s) => scheduleIntervalMs(s) !== null,
        'must be hourly, daily, weekly or an interval such as 6h, 30m, 2d',
      ),
    /** How many scheduled snapshots each workspace keeps; older ones are deleted (manual ones never). */
    keep: z.number().int().min(1).max(1000),
  })
  .strict();

export type SnapshotSchedule = z.output<typeof snapshotScheduleSchema>;

/** Statuses a scheduled snapshot is taken in (as for one asked for by hand). */
const SNAPSHOTTABLE = new Set(['running', 'stopped', 'failed']);

export interface ScheduleState {
  status: string;
  createdAt: Date;
  /** When its newest scheduled snapshot was asked for, whatever became of it (null: never). */
  lastScheduledAt: Date | null;
  /** Latest use (activity, or its last transition's end): a home unused since the last snapshot has nothing new. */
  lastUseAt: Date | null;
  /** A snapshot of it (of any kind) is being written now. */
  inProgress: boolean;
}

/**
 * Due when an interval has passed since its last scheduled snapshot (or since it was created),
 * it can be snapshotted, nothing is being written, and, when it is not running, it was used since
 * the last scheduled snapshot (a stopped home does not change, so another copy would only push a
 * useful older one out of `keep`). A failed attempt counts as an attempt: a full quota is tried
 * again next interval, not on every tick.
 */
export function snapshotDue(schedule: SnapshotSchedule, state: ScheduleState, now: Date): boolean {
  const interval = scheduleIntervalMs(schedule.schedule);
  if (interval === null || state.inProgress || !SNAPSHOTTABLE.has(state.status)) return false;
  const since = state.lastScheduledAt ?? state.createdAt;
  if (now.getTime() - since.getTime() < interval) return false;
  if (state.status === 'running' || !state.lastScheduledAt) return true;
  return state.lastUseAt !== null && state.lastUseAt > state.lastScheduledAt;
}
