import http from 'node:http';
import autocannon from 'autocannon';
import pg from 'pg';
import { type BenchClient, inBatches } from './berth-client.js';
import { type BenchContext } from './context.js';
import { elapsedMs, figure, notMeasured, type Figure } from './stats.js';
import { newDeveloper, rssMb } from './users.js';

interface Seeded {
  ids: string[];
  rows: { id: string; ownerId: string }[];
  running: { id: string; ownerId: string }[];
  users: { id: string; client: BenchClient }[];
}

/**
 * API at scale: many workspace rows (most stopped) written straight into Postgres, and the
 * running ones backed by real containers made with Berth's own name, labels and hardening, so
 * the reconciler sees a consistent world of that size.
 */
export async function scale(ctx: BenchContext, templateId: string): Promise<Figure[]> {
  const db = new pg.Client({ connectionString: ctx.databaseUrl });
  await db.connect();
  const seeded: Seeded = { ids: [], rows: [], running: [], users: [] };
  try {
    await seed(ctx, db, templateId, seeded);
    const figures: Figure[] = [];
    const developer = seeded.users[0];
    if (!developer) throw new Error('no developer seeded');
    figures.push(await listLatency(ctx, developer.client, 'developer'));
    figures.push(await listLatency(ctx, ctx.admin, 'admin'));
    const own = seeded.running.find((r) => r.ownerId === developer.id)?.id ?? seeded.ids[0] ?? '';
    figures.push(...(await throughput(ctx, developer.client, own)));
    figures.push(...(await reconcilerPass(ctx)));
    figures.push(await sseMemory(ctx, seeded));
    return figures;
  } finally {
    await db.query('DELETE FROM "Workspace" WHERE id = ANY($1::uuid[])', [seeded.ids]);
    await inBatches(seeded.running, 8, (r) => ctx.raw.removeAll(ctx.raw.spec(r.id, r.ownerId), {}));
    await db.end();
  }
}

async function seed(ctx: BenchContext, db: pg.Client, templateId: string, out: Seeded): Promise<void> {
  const { scaleUsers, scaleRows, scaleRunning } = ctx.sizes;
  const started = performance.now();
  out.users = await inBatches(
    Array.from({ length: scaleUsers }, (_, i) => i),
    5,
    () => newDeveloper(ctx),
  );
  const rows = Array.from({ length: scaleRows }, (_, i) => ({
    ownerId: out.users[i % out.users.length]?.id ?? '',
    running: i < scaleRunning,
    name: `scale-${i}`,
  }));
  const inserted = await db.query<{ id: string; ownerId: string; status: string }>(
    `INSERT INTO "Workspace" (id, name, "ownerId", "templateId", "templateVersion", status, "desiredState", "volumePreparedAt", "updatedAt")
     SELECT gen_random_uuid(), r.name, r.owner::uuid, $1::uuid, 1, r.status::"WorkspaceStatus", r.desired, now(), now()
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS r(name, owner, status, desired)
     RETURNING id, "ownerId", status::text AS status`,
    [
      templateId,
      rows.map((r) => r.name),
      rows.map((r) => r.ownerId),
      rows.map((r) => (r.running ? 'running' : 'stopped')),
      rows.map((r) => (r.running ? 'running' : 'stopped')),
    ],
  );
  out.ids = inserted.rows.map((r) => r.id);
  out.rows = inserted.rows.map((r) => ({ id: r.id, ownerId: r.ownerId }));
  out.running = inserted.rows.filter((r) => r.status === 'running').map((r) => ({ id: r.id, ownerId: r.ownerId }));
  await inBatches(out.running, 8, async (r) => {
    const spec = ctx.raw.spec(r.id, r.ownerId);
    await ctx.raw.createStart(spec, ctx.raw.berthLabels(spec, ctx.instance));
  });
  ctx.log(`scale: ${scaleRows} rows, ${out.running.length} running containers in ${Math.round(elapsedMs(started))} ms`);
}

/** Page size of the list figures. */
const PAGE = 100;

async function listLatency(ctx: BenchContext, client: BenchClient, who: string): Promise<Figure> {
  const samples: number[] = [];
  let count = 0;
  for (let i = 0; i < ctx.sizes.listRounds; i++) {
    const t = performance.now();
    // The first page, as the portal and the CLI ask for it (keyset paging on createdAt, id).
    const res = await client.call<{ items: unknown[] }>('GET', `/workspaces?limit=${PAGE}`);
    if (res.status !== 200) throw new Error(`GET /workspaces as ${who}: ${res.status}`);
    samples.push(elapsedMs(t));
    count = res.body.items.length;
  }
  return figure(
    `GET /workspaces?limit=${PAGE} as ${who} (${count} rows in the page)`,
    'ms',
    samples,
    'p95 reported (Coder: p95 220 ms at 2,000)',
    (_m, p95) => p95 <= 220,
    `first page of ${PAGE}, out of ${ctx.sizes.scaleRows} rows`,
  );
}

async function throughput(ctx: BenchContext, client: BenchClient, id: string): Promise<Figure[]> {
  const result = await autocannon({
    url: `${ctx.baseUrl}/api/v1/workspaces/${id}`,
    connections: ctx.sizes.autocannonConnections,
    duration: ctx.sizes.autocannonSeconds,
    headers: { authorization: `Bearer ${client.token}` },
  });
  const c = ctx.sizes.autocannonConnections;
  const failures = `${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`;
  return [
    {
      name: `GET /workspaces/:id, bearer, autocannon c=${c}, ${ctx.sizes.autocannonSeconds} s`,
      unit: 'req/s',
      median: result.requests.p50,
      p95: null,
      runs: result.requests.total,
      target: '≥ 5000 req/s',
      met: result.requests.average >= 5000 && result.non2xx === 0,
      note: `mean ${Math.round(result.requests.average)} req/s; ${failures}`,
    },
    {
      name: `GET /workspaces/:id latency under that load (c=${c})`,
      unit: 'ms',
      median: result.latency.p50,
      p95: result.latency.p97_5,
      runs: result.requests.total,
      target: 'p99 ≤ 50',
      met: result.latency.p99 <= 50,
      note: `p99 ${result.latency.p99} ms (the p95 column shows autocannon's p97.5)`,
    },
  ];
}

/** Reads the worker's own metrics: time per reconciler pass and container listings per pass. */
async function reconcilerPass(ctx: BenchContext): Promise<Figure[]> {
  const name = 'one reconciler pass';
  if (!ctx.workerMetricsUrl) return [notMeasured(name, 'ms', '≤ 1000, one list call', 'worker metrics not reachable')];
  const read = async () => {
    const text = await (await fetch(ctx.workerMetricsUrl as string)).text();
    const value = (pattern: RegExp): number => Number(pattern.exec(text)?.[1] ?? 0);
    return {
      sum: value(/^berth_control_loop_pass_seconds_sum\{[^}]*loop="ReconcilerService"[^}]*\} (\S+)$/m),
      count: value(/^berth_control_loop_pass_seconds_count\{[^}]*loop="ReconcilerService"[^}]*\} (\S+)$/m),
      lists: value(/^berth_engine_call_duration_seconds_count\{[^}]*operation="listing containers"[^}]*\} (\S+)$/m),
    };
  };
  const before = await read();
  let after = before;
  const deadline = Date.now() + 120_000;
  while (after.count - before.count < ctx.sizes.reconcilePasses && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    after = await read();
  }
  const passes = after.count - before.count;
  if (passes <= 0) return [notMeasured(name, 'ms', '≤ 1000, one list call', 'no pass observed within 2 minutes')];
  const meanMs = ((after.sum - before.sum) / passes) * 1000;
  const listsPerPass = (after.lists - before.lists) / passes;
  return [
    {
      name: `${name} (${ctx.sizes.scaleRows} rows, ${ctx.sizes.scaleRunning} running)`,
      unit: 'ms',
      median: Math.round(meanMs * 10) / 10,
      p95: null,
      runs: passes,
      target: '≤ 1000, one list call',
      met: meanMs <= 1000 && listsPerPass <= 1,
      note:
        `mean of ${passes} passes (the median column holds the mean: the worker exports a histogram); ` +
        `${listsPerPass.toFixed(2)} container listings per pass`,
    },
  ];
}

/** The API's memory with many open event streams (spread over the seeded workspaces). */
async function sseMemory(ctx: BenchContext, seeded: Seeded): Promise<Figure> {
  const n = ctx.sizes.sseStreams;
  const name = `API RSS with ${n} open SSE streams`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const requests: http.ClientRequest[] = [];
  try {
    const users = new Map(seeded.users.map((u) => [u.id, u]));
    const owned = seeded.rows.map((r) => ({ id: r.id, user: users.get(r.ownerId) }));
    await inBatches(
      Array.from({ length: n }, (_, i) => owned[i % owned.length]),
      50,
      (target) =>
        new Promise<void>((resolve, reject) => {
          if (!target?.user) return reject(new Error('no seeded workspace'));
          const req = http.get(
            `${ctx.baseUrl}/api/v1/workspaces/${target.id}/events`,
            {
              agent,
              headers: {
                Authorization: `Bearer ${target.user.client.token}`,
                Accept: 'text/event-stream',
                Origin: ctx.baseUrl,
              },
            },
            (res) => {
              if (res.statusCode !== 200) return reject(new Error(`SSE answered ${res.statusCode}`));
              res.once('data', () => resolve());
            },
          );
          req.on('error', reject);
          requests.push(req);
        }),
    );
    if (!ctx.pids) return notMeasured(name, 'MB', 'reported', `${n} streams open; process ids not known`);
    return figure(name, 'MB', [await rssMb(ctx.pids.api)], 'reported', undefined, `${n} streams open at once`);
  } finally {
    for (const req of requests) req.destroy();
    agent.destroy();
  }
}
