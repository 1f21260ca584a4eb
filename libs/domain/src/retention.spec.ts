import { DAY_MS, describeDays, retentionDeleteReason, retentionStep, type RetentionState } from './retention.js';

describe('retention rules', () => {
  const now = new Date('2026-11-22T12:00:00.000Z');
  const ago = (ms: number): Date => new Date(now.getTime() - ms);
  const later = (ms: number): Date => new Date(now.getTime() + ms);
  const fresh = (lastUse: Date): RetentionState => ({ lastUse, dormantAt: null, deletesAt: null });

  it('keeps a workspace used within the threshold', () => {
    expect(retentionStep({ dormantAfterDays: 30 }, fresh(ago(29 * DAY_MS)), now)).toEqual({ kind: 'keep' });
  });

  it('makes it dormant at the threshold, deletion scheduled a full grace period from now', () => {
    expect(retentionStep({ dormantAfterDays: 30, deleteAfterDays: 7 }, fresh(ago(30 * DAY_MS)), now)).toEqual({
      kind: 'make-dormant',
      dormantAt: now,
      deletesAt: later(7 * DAY_MS),
    });
    // A worker that was down for months still gives the whole grace period.
    expect(retentionStep({ dormantAfterDays: 30, deleteAfterDays: 7 }, fresh(ago(300 * DAY_MS)), now)).toEqual({
      kind: 'make-dormant',
      dormantAt: now,
      deletesAt: later(7 * DAY_MS),
    });
  });

  it('without deleteAfterDays: dormant, never deleted', () => {
    expect(retentionStep({ dormantAfterDays: 1 }, fresh(ago(DAY_MS)), now)).toEqual({
      kind: 'make-dormant',
      dormantAt: now,
      deletesAt: null,
    });
    expect(
      retentionStep(
        { dormantAfterDays: 1 },
        { lastUse: ago(900 * DAY_MS), dormantAt: ago(800 * DAY_MS), deletesAt: null },
        now,
      ),
    ).toEqual({ kind: 'keep' });
  });

  it('warns within a day of deletion (half the grace period when that is shorter), deletes once due', () => {
    const policy = { dormantAfterDays: 30, deleteAfterDays: 7 };
    const dormant = (dormantAt: Date, deletesAt: Date): RetentionState => ({
      lastUse: ago(40 * DAY_MS),
      dormantAt,
      deletesAt,
    });
    expect(retentionStep(policy, dormant(ago(6 * DAY_MS - 1), later(DAY_MS + 1)), now)).toEqual({ kind: 'keep' });
    expect(retentionStep(policy, dormant(ago(6 * DAY_MS + 1), later(DAY_MS - 1)), now)).toEqual({
      kind: 'warn-deletion',
      dormantAt: ago(6 * DAY_MS + 1),
      deletesAt: later(DAY_MS - 1),
    });
    expect(retentionStep(policy, dormant(ago(7 * DAY_MS), now), now)).toEqual({
      kind: 'delete',
      dormantAt: ago(7 * DAY_MS),
    });
    // A 5-second grace period warns in its last 2.5 s.
    expect(retentionStep(policy, dormant(ago(2000), later(3000)), now)).toEqual({ kind: 'keep' });
    expect(retentionStep(policy, dormant(ago(3000), later(2000)), now)).toEqual({
      kind: 'warn-deletion',
      dormantAt: ago(3000),
      deletesAt: later(2000),
    });
  });

  it('says why in plain units', () => {
    expect(retentionDeleteReason({ dormantAfterDays: 30, deleteAfterDays: 7 }, now)).toBe(
      'dormant since 2026-11-22T12:00:00.000Z: unused for 30 days, then not started for 7 days',
    );
    expect(retentionDeleteReason({ dormantAfterDays: 3 / 86400, deleteAfterDays: 5 / 86400 }, now)).toBe(
      'dormant since 2026-11-22T12:00:00.000Z: unused for 3 s, then not started for 5 s',
    );
    expect([1, 1.5, 0.5, 0.01, 1 / 1440].map(describeDays)).toEqual(['1 day', '1.5 days', '12 h', '14.4 min', '1 min']);
  });
});
