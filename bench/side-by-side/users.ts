import { BenchClient } from './berth-client.js';
import { type BenchContext } from './context.js';
import { benchName } from './lifecycle.js';

/** A developer with a token made for them by the admin (no password sign-in, no login throttle). */
export async function newDeveloper(ctx: BenchContext): Promise<{ id: string; client: BenchClient }> {
  const user = await ctx.admin.ok<{ id: string }>('POST', '/users', {
    email: `${benchName('dev')}@berth.bench`,
    name: 'Bench Developer',
    role: 'developer',
  });
  for (let attempt = 0; ; attempt++) {
    const res = await ctx.admin.call<{ token: string }>('POST', `/users/${user.id}/tokens`, { name: 'bench' });
    if (res.status === 201) return { id: user.id, client: new BenchClient(ctx.baseUrl, res.body.token) };
    // Token creation is throttled per account: a shared test server may have spent the window.
    if (res.status !== 429 || attempt >= 30) throw new Error(`token for ${user.id}: ${res.status}`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** Resident set size of a process, in MB (Linux /proc). */
export async function rssMb(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  return Math.round(kb / 102.4) / 10;
}
