import { inBatches } from './berth-client.js';
import { type BenchContext } from './context.js';
import { createRunning, purge } from './lifecycle.js';
import { elapsedMs, figure, type Figure } from './stats.js';
import { newDeveloper } from './users.js';

/**
 * Burst: every user asks for their workspaces at the same moment; each is timed from its request
 * to `running`. Meanwhile one client reads a workspace in a loop: the API's latency under load.
 */
export async function burst(ctx: BenchContext, templateId: string, onPeak: () => Promise<void>): Promise<Figure[]> {
  const { burstUsers, burstPerUser } = ctx.sizes;
  const users = await inBatches(
    Array.from({ length: burstUsers }, (_, i) => i),
    5,
    () => newDeveloper(ctx),
  );
  const probe = await createRunning(ctx.owner, templateId);
  const probeLatency: number[] = [];
  let bursting = true;
  const probing = (async () => {
    while (bursting) {
      const t = performance.now();
      const res = await ctx.owner.call('GET', `/workspaces/${probe.id}`);
      if (res.status !== 200) throw new Error(`probe answered ${res.status}`);
      probeLatency.push(elapsedMs(t));
    }
  })();
  const requests = users.flatMap((u) => Array.from({ length: burstPerUser }, () => u.client));
  const started = performance.now();
  let results: { id: string; ms: number }[];
  try {
    results = await Promise.all(requests.map((client) => createRunning(client, templateId)));
  } finally {
    bursting = false;
    await probing;
  }
  const wall = elapsedMs(started);
  await onPeak();
  ctx.log(`burst: ${results.length} workspaces running after ${Math.round(wall)} ms`);
  await inBatches(
    results.map((r, i) => ({ id: r.id, client: requests[i] ?? ctx.owner })),
    10,
    ({ id, client }) => purge(client, id),
  );
  await purge(ctx.owner, probe.id);
  const n = results.length;
  // The floor: the same number of raw create + start, all at once, on the same engine.
  const specs = requests.map(() => ctx.raw.spec());
  const rawStarted = performance.now();
  const raw = await Promise.all(specs.map((spec) => ctx.raw.createStart(spec)));
  const rawWall = elapsedMs(rawStarted);
  await inBatches(specs, 10, (spec) => ctx.raw.removeAll(spec));
  return [
    figure(
      `burst: ${n} workspaces by ${burstUsers} users, request → running`,
      'ms',
      results.map((r) => r.ms),
      'p95 ≤ 3000',
      (_m, p95) => p95 <= 3000,
      `all ${n} reached running; wall time ${Math.round(wall)} ms`,
    ),
    figure(
      `burst: ${n} raw create + start at once`,
      'ms',
      raw,
      'floor',
      undefined,
      `wall time ${Math.round(rawWall)} ms`,
    ),
    {
      ...figure(
        'burst: GET /workspaces/:id during the burst',
        'ms',
        probeLatency,
        'p99 ≤ 50',
        undefined,
        `p99 ${p99(probeLatency)} ms over ${probeLatency.length} requests`,
      ),
      met: probeLatency.length ? p99(probeLatency) <= 50 : null,
    },
  ];
}

function p99(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return Math.round((sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] ?? 0) * 10) / 10;
}
