import { BerthError, ErrorCode } from '#domain';
import { engineCall } from './engine-call.js';

/** A request that settles only when its signal aborts, as a request to a frozen engine does. */
const hangingRequest =
  (seen: AbortSignal[]) =>
  (signal: AbortSignal): Promise<never> => {
    seen.push(signal);
    return new Promise((_, reject) =>
      signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))),
    );
  };

describe('engineCall', () => {
  it('a request with no answer ends at its deadline as Unavailable, and its signal is aborted (the request is closed)', async () => {
    const seen: AbortSignal[] = [];
    const error = await engineCall('listing containers', 50, {}, hangingRequest(seen)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BerthError);
    expect(error).toMatchObject({
      code: ErrorCode.Unavailable,
      message: 'the Docker engine did not answer within 0.1 s (listing containers)',
    });
    expect(seen[0]?.aborted).toBe(true);
  });

  it('no connection (socket refused or missing) is Unavailable naming the cause', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED' });
    await expect(engineCall('ping', 1000, {}, () => Promise.reject(refused))).rejects.toMatchObject({
      code: ErrorCode.Unavailable,
      message: 'the Docker engine is not reachable (ECONNREFUSED; ping)',
    });
  });

  it("the caller's abort wins, with the caller's reason (a cancelled or timed-out stage)", async () => {
    const stage = new AbortController();
    const seen: AbortSignal[] = [];
    const call = engineCall('starting the container', 10_000, { signal: stage.signal }, hangingRequest(seen));
    stage.abort(new BerthError(ErrorCode.Cancelled, 'cancelled on request'));
    await expect(call).rejects.toMatchObject({ code: ErrorCode.Cancelled });
    expect(seen[0]?.aborted).toBe(true);
  });

  it('an answer from the engine (404, 409, 500) is passed on as is for the caller to judge', async () => {
    const notFound = Object.assign(new Error('no such container'), { statusCode: 404 });
    await expect(engineCall('inspecting', 1000, {}, () => Promise.reject(notFound))).rejects.toBe(notFound);
  });

  it('extraMs lengthens the deadline for calls that take long by design', async () => {
    await expect(
      engineCall(
        'stopping',
        20,
        { extraMs: 200 },
        () => new Promise((resolve) => setTimeout(() => resolve('stopped'), 100)),
      ),
    ).resolves.toBe('stopped');
  });
});
