import fs from 'node:fs';
import { signIn, startBerth, uniqueName } from '#testing';

/**
 * One exec that writes 1 GB without a newline (issue 13): the API's memory growth while it runs
 * (target under 50 MB) and the p99 of `GET /healthz` meanwhile (target under 100 ms). Writes
 * bench/results/exec-flood.json. Loopback traffic only; bounded in count and time.
 */
const BYTES = Number(process.env.BENCH_EXEC_BYTES ?? 1024 ** 3);
const env = {
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  PORT: process.env.BENCH_PORT ?? '18090',
  DATABASE_URL: process.env.BERTH_BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/berth_bench',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  BERTH_INSTANCE: process.env.BENCH_INSTANCE ?? 'bench',
  BERTH_WORKSPACE_NETWORK: `berth-${process.env.BENCH_INSTANCE ?? 'bench'}-workspaces`,
  BERTH_DATA_DIR: '.berth/bench',
  BERTH_ADMIN_EMAIL: 'admin@berth.bench',
  BERTH_ADMIN_PASSWORD: 'bench-admin-password',
  BERTH_SESSION_SECRET: 'bench-session-secret-0123456789',
  LOG_LEVEL: 'warn',
};

const rssMb = (pid: number): number => {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
};

const percentile = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? 0;

async function main(): Promise<void> {
  const berth = await startBerth(env);
  const base = `http://127.0.0.1:${env.PORT}`;
  try {
    const apiPid = berth.processes[0]!.pid!;
    const admin = await signIn(env.BERTH_ADMIN_EMAIL, env.BERTH_ADMIN_PASSWORD, base);
    const template = (
      (await admin.post('/templates', { name: uniqueName('flood'), spec: { image: 'berth/busybox:test' } })).body as {
        id: string;
      }
    ).id;
    const id = (
      (await admin.post('/workspaces', { name: uniqueName('flood'), templateId: template })).body as { id: string }
    ).id;
    await admin.waitForStatus(id, 'running');
    // Warm up the exec path and let the heap settle before the baseline.
    await admin.post(`/workspaces/${id}/exec`, { command: ['true'] });
    // The same probe with no exec running: on a shared machine this is the floor to compare with.
    const idle: number[] = [];
    for (const until = performance.now() + 5000; performance.now() < until;) {
      const t0 = performance.now();
      await fetch(`${base}/healthz`).then((r) => r.arrayBuffer());
      idle.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const rssBefore = rssMb(apiPid);
    let rssMax = rssBefore;
    const sampler = setInterval(() => (rssMax = Math.max(rssMax, rssMb(apiPid))), 50);
    const started = performance.now();
    let done = false;
    const exec = admin
      .post(`/workspaces/${id}/exec`, {
        command: ['sh', '-c', `head -c ${BYTES} /dev/zero`],
        timeoutSeconds: 600,
      })
      .then((res) => {
        done = true;
        return res;
      });
    const latencies: number[] = [];
    while (!done && latencies.length < 100_000) {
      const t0 = performance.now();
      await fetch(`${base}/healthz`).then((r) => r.arrayBuffer());
      latencies.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const res = await exec;
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    // Peak minus baseline includes garbage the GC has not returned yet; what is still held two
    // seconds after the call tells retention (user-sized data kept) from allocation churn.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const rssAfter = rssMb(apiPid);
    const body = res.body as { exitCode: number; truncated: boolean; stdout: string };
    await admin.delete(`/workspaces/${id}`);
    await admin.waitForGone(id);
    const results = {
      measuredAt: new Date().toISOString(),
      machine: {
        cpus: (await import('node:os')).cpus().length,
        node: process.version,
        loadAverage1m: Math.round((await import('node:os')).loadavg()[0]! * 10) / 10,
      },
      bytesWritten: BYTES,
      execStatus: res.status,
      exitCode: body.exitCode,
      truncated: body.truncated,
      stdoutBytesReturned: Buffer.byteLength(body.stdout ?? ''),
      seconds: Math.round(seconds * 10) / 10,
      throughputMBps: Math.round(BYTES / 1e6 / seconds),
      apiRssMb: {
        before: Math.round(rssBefore),
        max: Math.round(rssMax),
        growth: Math.round(rssMax - rssBefore),
        after: Math.round(rssAfter),
        retained: Math.round(rssAfter - rssBefore),
      },
      healthzWithoutExec: {
        requests: idle.length,
        p50Ms: Math.round(percentile(idle, 50) * 10) / 10,
        p99Ms: Math.round(percentile(idle, 99) * 10) / 10,
      },
      healthz: {
        requests: latencies.length,
        p50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
        p99Ms: Math.round(percentile(latencies, 99) * 10) / 10,
        maxMs: Math.round(Math.max(...latencies) * 10) / 10,
      },
      targets: { apiRssGrowthMb: 50, healthzP99Ms: 100 },
    };
    fs.mkdirSync('bench/results', { recursive: true });
    fs.writeFileSync('bench/results/exec-flood.json', `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(results, null, 2)}\nwritten to bench/results/exec-flood.json\n`);
  } finally {
    await berth.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
