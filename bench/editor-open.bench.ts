import fs from 'node:fs';
import request from 'supertest';
import { signIn, startBerth, uniqueName, type ApiClient } from '#testing';

/**
 * Time from "Open in VS Code" (POST /workspaces/:id/editor) to the editor's first HTTP 200 on its
 * port origin, for a Debian workspace: cold (code-server is started in the workspace) and warm
 * (it already runs). Writes bench/results/editor-open.json. Needs scripts/code-server.sh's build.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const env = {
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  PORT: process.env.BENCH_PORT ?? '18090',
  BERTH_SSH_PORT: '0',
  DATABASE_URL: process.env.BERTH_BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/berth_bench',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  // Overridable, so a run beside another installation's benchmarks on the same engine stays apart.
  BERTH_INSTANCE: process.env.BENCH_INSTANCE ?? 'bench',
  BERTH_WORKSPACE_NETWORK: `berth-${process.env.BENCH_INSTANCE ?? 'bench'}-workspaces`,
  BERTH_DATA_DIR: `.berth/${process.env.BENCH_INSTANCE ?? 'bench'}`,
  BERTH_ADMIN_EMAIL: 'admin@berth.bench',
  BERTH_ADMIN_PASSWORD: 'bench-admin-password',
  BERTH_SESSION_SECRET: 'bench-session-secret-0123456789',
  LOG_LEVEL: 'warn',
};
const base = `http://127.0.0.1:${env.PORT}`;

/** POST editor, trade the ticket for the app cookie, GET the workbench: milliseconds to its 200. */
async function openOnce(admin: ApiClient, workspaceId: string): Promise<number> {
  const started = performance.now();
  const res = await admin.post(`/workspaces/${workspaceId}/editor`);
  if (res.status !== 200) throw new Error(`POST editor: ${res.status} ${JSON.stringify(res.body)}`);
  const ticket = new URL((res.body as { url: string }).url);
  // *.localhost does not resolve here outside Chromium: the app origin is reached by its Host header.
  const traded = await request(base).get(`${ticket.pathname}${ticket.search}`).set('Host', ticket.host).redirects(0);
  const cookie = String(traded.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
  const page = await request(base).get(String(traded.headers.location)).set('Host', ticket.host).set('Cookie', cookie);
  if (page.status !== 200) throw new Error(`the editor answered ${page.status}`);
  return Math.round(performance.now() - started);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<void> {
  const berth = await startBerth(env);
  try {
    const admin = await signIn(env.BERTH_ADMIN_EMAIL, env.BERTH_ADMIN_PASSWORD, base);
    const template = (
      await admin.post('/templates', {
        name: uniqueName('editorbench'),
        spec: { image: 'berth/debian:bookworm', resources: { cpus: 1, memoryMb: 2048, pidsLimit: 1024 } },
      })
    ).body as { id: string };
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const ws = (await admin.post('/workspaces', { name: uniqueName('e'), templateId: template.id })).body as {
        id: string;
      };
      await admin.waitForStatus(ws.id, 'running', 120_000);
      cold.push(await openOnce(admin, ws.id));
      warm.push(await openOnce(admin, ws.id));
      await admin.delete(`/workspaces/${ws.id}?purge=true`);
    }
    const results = {
      measuredAt: new Date().toISOString(),
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      image: 'berth/debian:bookworm',
      rounds: ROUNDS,
      coldOpenToFirst200Ms: { median: median(cold), all: cold },
      warmOpenToFirst200Ms: { median: median(warm), all: warm },
    };
    fs.mkdirSync('bench/results', { recursive: true });
    fs.writeFileSync('bench/results/editor-open.json', `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(results, null, 2)}\nwritten to bench/results/editor-open.json\n`);
  } finally {
    await berth.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
