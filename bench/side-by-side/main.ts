import fs from 'node:fs';
import { signIn, startBerth } from '#testing';
import { BenchClient } from './berth-client.js';
import { FULL } from './context.js';
import { RawDocker } from './raw-docker.js';
import { toMarkdown } from './report.js';
import { runBench } from './run.js';

/**
 * `npm run bench`: Berth against raw Docker, side by side, on this machine. Starts its own API
 * and worker on the real services (its own database, instance and network) and writes
 * bench/results.md and bench/results/side-by-side.json. Loopback traffic only.
 */
const port = Number(process.env.BENCH_PORT ?? '18090');
// Its own instance (labels, queue prefix, network): two benches on one engine never judge each other's containers.
const instance = process.env.BENCH_INSTANCE ?? 'bench';
const env = {
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  PORT: String(port),
  BERTH_SSH_PORT: '0',
  BERTH_WORKER_METRICS_PORT: String(port + 4),
  DATABASE_URL: process.env.BERTH_BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/berth_bench',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  BERTH_INSTANCE: instance,
  BERTH_WORKSPACE_NETWORK: `berth-${instance}-workspaces`,
  BERTH_DATA_DIR: '.berth/bench',
  BERTH_ADMIN_EMAIL: 'admin@berth.bench',
  BERTH_ADMIN_PASSWORD: 'bench-admin-password',
  BERTH_SESSION_SECRET: 'bench-session-secret-0123456789',
  BERTH_DEFAULT_IMAGE: 'berth/busybox:test',
  LOG_LEVEL: 'warn',
  // The bench makes hundreds of workspaces and dozens of tokens: limits meant for people are lifted.
  BERTH_QUOTA_MAX_WORKSPACES: '100000',
  BERTH_QUOTA_MAX_RUNNING: '100000',
  BERTH_QUOTA_MAX_CPUS: '100000',
  BERTH_QUOTA_MAX_MEMORY_MB: '100000000',
  BERTH_TOKEN_CREATE_LIMIT: '100000',
  BERTH_RECONCILE_INTERVAL_MS: '2000',
};

async function main(): Promise<void> {
  const berth = await startBerth(env);
  try {
    const [api, worker] = berth.processes;
    const baseUrl = `http://127.0.0.1:${port}`;
    const admin = new BenchClient(
      baseUrl,
      (await signIn(env.BERTH_ADMIN_EMAIL, env.BERTH_ADMIN_PASSWORD, baseUrl)).token,
    );
    const results = await runBench({
      baseUrl,
      admin,
      owner: admin,
      raw: new RawDocker(env.BERTH_WORKSPACE_NETWORK, env.BERTH_DEFAULT_IMAGE),
      sizes: FULL,
      image: env.BERTH_DEFAULT_IMAGE,
      databaseUrl: env.DATABASE_URL,
      instance: env.BERTH_INSTANCE,
      workerMetricsUrl: `http://127.0.0.1:${env.BERTH_WORKER_METRICS_PORT}/metrics`,
      ...(api?.pid && worker?.pid ? { pids: { api: api.pid, worker: worker.pid } } : {}),
      log: (line) => process.stdout.write(`${line}\n`),
    });
    fs.mkdirSync('bench/results', { recursive: true });
    fs.writeFileSync('bench/results/side-by-side.json', `${JSON.stringify(results, null, 2)}\n`);
    const notes = fs.existsSync('bench/results-notes.md') ? fs.readFileSync('bench/results-notes.md', 'utf8') : '';
    fs.writeFileSync('bench/results.md', toMarkdown(results, notes));
    process.stdout.write('written to bench/results.md and bench/results/side-by-side.json\n');
  } finally {
    await berth.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
