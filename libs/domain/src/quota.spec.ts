import { BerthError, ErrorCode } from './errors.js';
import { chargesResources, checkQuota, quotaExceeded, quotaUsage, type QuotaLimits, type QuotaUsage } from './quota.js';
import { WORKSPACE_STATUSES } from './workspace-state.js';

describe('quotas', () => {
  const limits: QuotaLimits = { maxWorkspaces: 3, maxRunning: 2, maxCpus: 1, maxMemoryMb: 512 };
  const small = { cpus: 0.25, memoryMb: 128 };
  const none: QuotaUsage = { workspaces: 0, running: 0, cpus: 0, memoryMb: 0 };

  describe('usage', () => {
    it('charges workspaces that run or are about to, and counts every live one', () => {
      const charged = WORKSPACE_STATUSES.filter((s) => chargesResources(s, 'running'));
      expect(charged).toEqual(['pending', 'starting', 'running', 'stopping']);
      expect(chargesResources('stopping', 'stopped')).toBe(false);
      expect(chargesResources('failed', 'running')).toBe(false);
      const usage = quotaUsage([
        { status: 'running', desiredState: 'running', cost: { cpus: 0.1, memoryMb: 128 } },
        { status: 'starting', desiredState: 'running', cost: { cpus: 0.2, memoryMb: 256 } },
        { status: 'stopped', desiredState: 'stopped', cost: { cpus: 4, memoryMb: 4096 } },
        { status: 'deleted', desiredState: 'deleted', cost: { cpus: 4, memoryMb: 4096 } },
      ]);
      // 0.1 + 0.2 is 0.30000000000000004 in floating point.
      expect(usage).toEqual({ workspaces: 3, running: 2, cpus: 0.3, memoryMb: 384 });
    });
  });

  describe('checkQuota', () => {
    it('accepts what fits, up to and including each limit', () => {
      expect(checkQuota(limits, none, { addsWorkspace: true, starts: small })).toBeNull();
      expect(
        checkQuota(
          limits,
          { workspaces: 2, running: 1, cpus: 0.5, memoryMb: 384 },
          { addsWorkspace: true, starts: { cpus: 0.5, memoryMb: 128 } },
        ),
      ).toBeNull();
    });

    it('checks maxWorkspaces first, then the start', () => {
      const full: QuotaUsage = { workspaces: 3, running: 2, cpus: 1, memoryMb: 512 };
      expect(checkQuota(limits, full, { addsWorkspace: true, starts: small })).toEqual({
        limit: 'maxWorkspaces',
        allowed: 3,
        current: 3,
        requested: 4,
      });
      expect(checkQuota(limits, full, { addsWorkspace: false, starts: small })?.limit).toBe('maxRunning');
      expect(checkQuota(limits, { ...full, running: 1 }, { addsWorkspace: false, starts: small })?.limit).toBe(
        'maxCpus',
      );
      expect(checkQuota(limits, { ...full, running: 1, cpus: 0.5 }, { addsWorkspace: false, starts: small })).toEqual({
        limit: 'maxMemoryMb',
        allowed: 512,
        current: 512,
        requested: 640,
      });
    });

    it('sums decimal CPUs without floating-point surprises', () => {
      const usage: QuotaUsage = { workspaces: 2, running: 1, cpus: 0.7, memoryMb: 0 };
      expect(checkQuota(limits, usage, { addsWorkspace: false, starts: { cpus: 0.3, memoryMb: 128 } })).toBeNull();
      expect(checkQuota(limits, usage, { addsWorkspace: false, starts: { cpus: 0.31, memoryMb: 128 } })).toMatchObject({
        limit: 'maxCpus',
        requested: 1.01,
      });
    });

    it('does not count a running workspace twice when it is restarted, rebuilt or updated', () => {
      const full: QuotaUsage = { workspaces: 3, running: 2, cpus: 1, memoryMb: 512 };
      expect(
        checkQuota(limits, full, {
          addsWorkspace: false,
          starts: { cpus: 0.5, memoryMb: 256 },
          replaces: { cpus: 0.5, memoryMb: 256 },
        }),
      ).toBeNull();
      // An update onto a bigger template version is charged the difference.
      expect(
        checkQuota(limits, full, {
          addsWorkspace: false,
          starts: { cpus: 0.75, memoryMb: 256 },
          replaces: { cpus: 0.5, memoryMb: 256 },
        }),
      ).toMatchObject({ limit: 'maxCpus', current: 1, requested: 1.25 });
    });

    it('never refuses a request that adds nothing, even over a lowered quota', () => {
      const over: QuotaUsage = { workspaces: 5, running: 4, cpus: 3, memoryMb: 2048 };
      expect(checkQuota(limits, over, { addsWorkspace: false, starts: small, replaces: small })).toBeNull();
      expect(checkQuota(limits, over, { addsWorkspace: false })).toBeNull();
      expect(
        checkQuota(limits, over, { addsWorkspace: false, starts: { cpus: 0.3, memoryMb: 128 }, replaces: small })
          ?.limit,
      ).toBe('maxCpus');
    });

    it('treats a zero limit as "none allowed"', () => {
      expect(checkQuota({ ...limits, maxRunning: 0 }, none, { addsWorkspace: true, starts: small })).toMatchObject({
        limit: 'maxRunning',
        allowed: 0,
        current: 0,
      });
    });
  });

  it('refuses with a quota_exceeded error that names the limit', () => {
    const error = quotaExceeded({ limit: 'maxRunning', allowed: 2, current: 2, requested: 3 });
    expect(error).toBeInstanceOf(BerthError);
    expect(error.code).toBe(ErrorCode.QuotaExceeded);
    expect(error.message).toBe('quota exceeded: maxRunning is 2 (you have 2 running)');
    expect(error.details).toEqual({ limit: 'maxRunning', allowed: 2, current: 2, requested: 3 });
    expect(quotaExceeded({ limit: 'maxWorkspaces', allowed: 2, current: 2, requested: 3 }).message).toBe(
      'quota exceeded: maxWorkspaces is 2 (you have 2 workspaces)',
    );
  });
});
