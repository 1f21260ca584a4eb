import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { makeSshKey, signIn, sshOptions, startBerth, uniqueName, type ApiClient, type TestSshKey } from '#testing';

/**
 * Time from starting `ssh` to the shell prompt, through the built-in gateway, for a running
 * workspace and for a stopped one (started on connect). Writes bench/results/ssh-connect.json.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SSH_PORT = Number(process.env.BENCH_SSH_PORT ?? 18094);
const env = {
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  PORT: process.env.BENCH_PORT ?? '18090',
  BERTH_SSH_PORT: String(SSH_PORT),
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

/** Spawns an interactive `ssh -tt` and resolves when a shell prompt (`$ ` or `# `) shows up. */
function timeToPrompt(workspace: string, key: TestSshKey): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('ssh', [...sshOptions(SSH_PORT, key.path, ['-tt']), `${workspace}@127.0.0.1`], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let seen = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`no prompt within 120 s; saw ${JSON.stringify(seen.slice(-200))}`));
    }, 120_000);
    child.stdout.on('data', (d: Buffer) => {
      seen += d.toString();
      // busybox ash follows its prompt with a cursor-position query, so "$ " need not be last.
      if (/[$#] /.test(seen)) {
        const ms = Math.round(performance.now() - started);
        clearTimeout(timer);
        child.stdin.end('exit\n');
        child.on('close', () => resolve(ms));
      }
    });
    child.on('error', reject);
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function measure(admin: ApiClient, key: TestSshKey, image: string): Promise<Record<string, unknown>> {
  const template = (await admin.post('/templates', { name: uniqueName('sshbench'), spec: { image } })).body as {
    id: string;
  };
  const ws = (await admin.post('/workspaces', { name: uniqueName('s'), templateId: template.id })).body as {
    id: string;
    name: string;
  };
  await admin.waitForStatus(ws.id, 'running');
  const running: number[] = [];
  const stopped: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    running.push(await timeToPrompt(ws.name, key));
    await admin.post(`/workspaces/${ws.id}/stop`);
    await admin.waitForStatus(ws.id, 'stopped');
    stopped.push(await timeToPrompt(ws.name, key));
  }
  await admin.post(`/workspaces/${ws.id}/stop`);
  await admin.waitForStatus(ws.id, 'stopped');
  await admin.delete(`/workspaces/${ws.id}`);
  return {
    image,
    rounds: ROUNDS,
    runningSshToPromptMs: { median: median(running), all: running },
    stoppedSshToPromptMs: { median: median(stopped), all: stopped },
  };
}

async function main(): Promise<void> {
  const berth = await startBerth(env);
  try {
    const admin = await signIn(env.BERTH_ADMIN_EMAIL, env.BERTH_ADMIN_PASSWORD, `http://127.0.0.1:${env.PORT}`);
    const key = makeSshKey();
    await admin.post('/users/me/ssh-keys', { name: 'bench', publicKey: key.publicKey });
    const results = {
      measuredAt: new Date().toISOString(),
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      scenarios: [await measure(admin, key, 'berth/busybox:test'), await measure(admin, key, 'berth/debian:bookworm')],
    };
    fs.mkdirSync('bench/results', { recursive: true });
    fs.writeFileSync('bench/results/ssh-connect.json', `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(results.scenarios, null, 2)}\nwritten to bench/results/ssh-connect.json\n`);
  } finally {
    await berth.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
