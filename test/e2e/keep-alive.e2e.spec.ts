import http from 'node:http';
import { testBaseUrl } from '#testing';

/** Node's default server idle timeout, after which a client reusing its socket could see a reset. */
const OLD_IDLE_TIMEOUT_MS = 5_000;

function get(agent: http.Agent, path: string): Promise<{ status: number; reusedSocket: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${testBaseUrl()}${path}`, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, reusedSocket: req.reusedSocket }));
    });
    req.on('error', reject);
  });
}

describe('keep-alive', () => {
  it('a client reusing its connection just past the old 5 s idle timeout never fails', async () => {
    // One socket, kept by the client far longer than the server's old idle timeout.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1, timeout: 120_000 });
    try {
      expect(await get(agent, '/healthz')).toEqual({ status: 200, reusedSocket: false });
      for (let i = 0; i < 2; i++) {
        await new Promise((resolve) => setTimeout(resolve, OLD_IDLE_TIMEOUT_MS + 500));
        // Still the same socket: the server kept it open, so there was no close to race with.
        expect(await get(agent, '/healthz')).toEqual({ status: 200, reusedSocket: true });
      }
    } finally {
      agent.destroy();
    }
  });

  it('advertises its idle timeout, so clients that read it close their side first', async () => {
    const res = await fetch(`${testBaseUrl()}/healthz`);
    expect(res.headers.get('keep-alive')).toBe('timeout=65');
  });
});
