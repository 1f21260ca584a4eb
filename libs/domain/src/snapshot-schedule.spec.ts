import { scheduleIntervalMs, snapshotDue, snapshotScheduleSchema, type ScheduleState } from './snapshot-schedule.js';

describe('snapshot schedule', () => {
  const now = new Date('2026-11-28T12:00:00.000Z');
  const ago = (ms: number): Date => new Date(now.getTime() - ms);
  const HOUR = 3_600_000;
  const daily = { schedule: 'daily', keep: 7 };
  const state = (over: Partial<ScheduleState>): ScheduleState => ({
    status: 'running',
    createdAt: ago(48 * HOUR),
    lastScheduledAt: null,
    lastUseAt: null,
    inProgress: false,
    ...over,
  });

  it('reads named schedules and intervals, and refuses anything else', () => {
    expect(scheduleIntervalMs('hourly')).toBe(HOUR);
    expect(scheduleIntervalMs('daily')).toBe(24 * HOUR);
    expect(scheduleIntervalMs('weekly')).toBe(7 * 24 * HOUR);
    expect(scheduleIntervalMs('6h')).toBe(6 * HOUR);
    expect(scheduleIntervalMs('30m')).toBe(30 * 60_000);
    expect(scheduleIntervalMs('2s')).toBe(2000);
    for (const bad of ['0h', '5x', 'monthly', '1.5h', '-1d', '400d', '* * * * *', ''])
      expect(scheduleIntervalMs(bad)).toBeNull();
  });

  it('validates the spec field: a schedule and keep at least 1, nothing else', () => {
    expect(snapshotScheduleSchema.safeParse({ schedule: 'daily', keep: 7 }).success).toBe(true);
    expect(snapshotScheduleSchema.safeParse({ schedule: 'daily', keep: 0 }).success).toBe(false);
    expect(snapshotScheduleSchema.safeParse({ schedule: 'sometimes', keep: 3 }).success).toBe(false);
    expect(snapshotScheduleSchema.safeParse({ schedule: 'daily', keep: 3, at: '03:00' }).success).toBe(false);
  });

  it('is due one interval after the last scheduled snapshot, not before', () => {
    expect(snapshotDue(daily, state({ lastScheduledAt: ago(24 * HOUR) }), now)).toBe(true);
    expect(snapshotDue(daily, state({ lastScheduledAt: ago(23 * HOUR) }), now)).toBe(false);
  });

  it('counts a first snapshot from when the workspace was made', () => {
    expect(snapshotDue(daily, state({ createdAt: ago(25 * HOUR) }), now)).toBe(true);
    expect(snapshotDue(daily, state({ createdAt: ago(HOUR) }), now)).toBe(false);
  });

  it('takes one missed-interval snapshot after a long pause, judged from the last one', () => {
    expect(snapshotDue(daily, state({ lastScheduledAt: ago(30 * 24 * HOUR) }), now)).toBe(true);
  });

  it('waits while any snapshot of the workspace is being written', () => {
    expect(snapshotDue(daily, state({ lastScheduledAt: ago(48 * HOUR), inProgress: true }), now)).toBe(false);
  });

  it('skips statuses a snapshot cannot be taken in', () => {
    for (const status of ['pending', 'starting', 'stopping', 'deleting', 'deleted'])
      expect(snapshotDue(daily, state({ status }), now)).toBe(false);
  });

  it('takes a stopped home again only when it was used since the last scheduled snapshot', () => {
    const last = ago(48 * HOUR);
    expect(
      snapshotDue(daily, state({ status: 'stopped', lastScheduledAt: last, lastUseAt: ago(72 * HOUR) }), now),
    ).toBe(false);
    expect(
      snapshotDue(daily, state({ status: 'stopped', lastScheduledAt: last, lastUseAt: ago(30 * HOUR) }), now),
    ).toBe(true);
    // Its first scheduled snapshot is taken whatever its use.
    expect(snapshotDue(daily, state({ status: 'stopped' }), now)).toBe(true);
  });
});
