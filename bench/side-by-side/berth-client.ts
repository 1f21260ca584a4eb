import http from 'node:http';

/** A bearer client of the API under test (plain fetch; keep-alive through undici's pool). */
export class BenchClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }

  async ok<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.call<T>(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /**
   * Resolves when the workspace reports `status` on its event stream (the first event is the
   * current status, so a change that happened already counts). Exact, with no polling load.
   */
  waitStatus(id: string, status: string, timeoutMs = 120_000): Promise<void> {
    return new Promise((resolve, reject) => {
      let buffer = '';
      const timer = setTimeout(
        () => finish(new Error(`workspace ${id} not ${status} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        req.destroy();
        if (error) reject(error);
        else resolve();
      };
      const req = http.get(
        `${this.baseUrl}/api/v1/workspaces/${id}/events`,
        { headers: { Authorization: `Bearer ${this.token}`, Accept: 'text/event-stream', Origin: this.baseUrl } },
        (res) => {
          if (res.statusCode !== 200) return finish(new Error(`events of ${id}: HTTP ${res.statusCode}`));
          res.on('data', (chunk: Buffer) => {
            buffer += chunk.toString();
            const blocks = buffer.split('\n\n');
            buffer = blocks.pop() ?? '';
            for (const block of blocks) {
              const data = /^data: (.*)$/m.exec(block)?.[1];
              if (!/^event: status$/m.test(block) || !data) continue;
              const event = JSON.parse(data) as { status: string; lastError: string | null };
              if (event.status === status) return finish();
              if (event.status === 'failed') return finish(new Error(`workspace ${id} failed: ${event.lastError}`));
            }
          });
        },
      );
      req.on('error', (error) => finish(error));
    });
  }
}

/** Runs `work` over `items` with at most `limit` at a time. */
export async function inBatches<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i] as T);
      }
    }),
  );
  return results;
}
