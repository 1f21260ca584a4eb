import fs from 'node:fs';
import { signIn, startBerth, uniqueName, type ApiClient } from '#testing';

/**
 * Request → running latency, measured over HTTP against the real API, worker and Docker engine
 * (`npm run bench`). Writes bench/results/workspace-start.json. Loopback traffic only.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const env = {
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  PORT: process.env.BENCH_PORT ?? '18090',
  DATABASE_URL: process.env.BERTH_BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/berth_bench',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  BERTH_INSTANCE: 'bench',
  BERTH_WORKSPACE_NETWORK: 'berth-bench-workspaces',
  BERTH_DATA_DIR: '.berth/bench',
  BERTH_ADMIN_EMAIL: 'admin@berth.bench',
  BERTH_ADMIN_PASSWORD: 'bench-admin-password',
  BERTH_SESSION_SECRET: 'bench-session-secret-0123456789',
  LOG_LEVEL: 'warn',
};

async function timed(client: ApiClient, id: string, status: string, act: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await act();
  await waitStatus(client, id, status);
  return Math.round(performance.now() - started);
}

async function waitStatus(client: ApiClient, id: string, status: string): Promise<void> {
  // Tight polling so the measurement is not rounded up by the poll interval.
  for (;;) {
    const ws = (await client.get(`/workspaces/${id}`)).body as { status: string; lastError: string | null };
    if (ws.status === status) return;
    if (ws.status === 'failed') throw new Error(`workspace failed: ${ws.lastError ?? 'no error recorded'}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function measure(admin: ApiClient, image: string): Promise<Record<string, unknown>> {
  const template = (await admin.post('/templates', { name: uniqueName('bench'), spec: { image, startScript: 'true' } }))
    .body as { id: string };
  const create: number[] = [];
  const restart: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    const id = (
      (await admin.post('/workspaces', { name: uniqueName('b'), templateId: template.id })).body as { id: string }
    ).id;
    await waitStatus(admin, id, 'running');
    create.push(Math.round(performance.now() - started));
    await timed(admin, id, 'stopped', () => admin.post(`/workspaces/${id}/stop`));
    restart.push(await timed(admin, id, 'running', () => admin.post(`/workspaces/${id}/start`)));
    await admin.delete(`/workspaces/${id}`);
    await admin.waitForGone(id);
  }
  return {
    image,
    rounds: ROUNDS,
    createToRunningMs: { median: median(create), all: create },
    stoppedStartToRunningMs: { median: median(restart), all: restart },
  };
}

async function main(): Promise<void> {
  const berth = await startBerth(env);
  try {
    const admin = await signIn(env.BERTH_ADMIN_EMAIL, env.BERTH_ADMIN_PASSWORD, `http://127.0.0.1:${env.PORT}`);
    const results = {
      measuredAt: new Date().toISOString(),
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      scenarios: [await measure(admin, 'berth/busybox:test'), await measure(admin, 'berth/debian:bookworm')],
    };
    fs.mkdirSync('bench/results', { recursive: true });
    fs.writeFileSync('bench/results/workspace-start.json', `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(
      `${JSON.stringify(results.scenarios, null, 2)}\nwritten to bench/results/workspace-start.json\n`,
    );
  } finally {
    await berth.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
