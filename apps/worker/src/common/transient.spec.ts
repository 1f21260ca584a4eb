import { BerthError, ErrorCode } from '#domain';
import { backoffMs, isTransient, retryTransient } from './transient.js';

const away = (): BerthError =>
  new BerthError(ErrorCode.Unavailable, 'the Docker engine is not reachable (ECONNREFUSED; ping)');

describe('transient failures', () => {
  it('an engine or database outage is transient; a failing script or a missing image is not', () => {
    expect(isTransient(away())).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { code: 'P1001' }))).toBe(true);
    expect(isTransient(new BerthError(ErrorCode.ScriptFailed, 'startScript exited with code 1'))).toBe(false);
    expect(isTransient(new BerthError(ErrorCode.ImageUnavailable, 'no image'))).toBe(false);
  });

  it('backs off 0.5, 1, 2, 4 s, then every 5 s', () => {
    expect([1, 2, 3, 4, 5, 9].map(backoffMs)).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
  });

  it('retries a transient failure until it succeeds', async () => {
    let calls = 0;
    const retried: number[] = [];
    const result = await retryTransient(() => (++calls < 3 ? Promise.reject(away()) : Promise.resolve('done')), {
      until: Date.now() + 10_000,
      onRetry: (_e, ms) => retried.push(ms),
    });
    expect(result).toBe('done');
    expect(retried).toEqual([500, 1000]);
  });

  it('fails at once for a non-transient error, and gives up when the next wait would pass `until`', async () => {
    const script = new BerthError(ErrorCode.ScriptFailed, 'exit 1');
    let calls = 0;
    await expect(retryTransient(() => (calls++, Promise.reject(script)), { until: Date.now() + 10_000 })).rejects.toBe(
      script,
    );
    expect(calls).toBe(1);
    await expect(retryTransient(() => Promise.reject(away()), { until: Date.now() + 100 })).rejects.toMatchObject({
      code: ErrorCode.Unavailable,
    });
  });
});
