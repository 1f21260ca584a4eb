import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { terminate } from './lab/run.js';

export interface RunningBerth {
  processes: ChildProcess[];
  stop(): Promise<void>;
}

/**
 * Starts the compiled API and worker as `npm run up` runs them, with `env` on top of this
 * process's environment, and waits until /readyz answers. Logs go to <dataDir>/{api,worker}.log.
 */
export async function startBerth(env: Record<string, string>, timeoutMs = 60_000): Promise<RunningBerth> {
  const fullEnv = { ...process.env, ...env };
  const dataDir = env.BERTH_DATA_DIR ?? '.berth';
  fs.mkdirSync(dataDir, { recursive: true });
  const start = (name: string, entry: string): ChildProcess => {
    const log = fs.openSync(path.join(dataDir, `${name}.log`), 'w');
    return spawn(process.execPath, [entry], { env: fullEnv, stdio: ['ignore', log, log] });
  };
  const api = start('api', 'dist/apps/api/src/main.js');
  const worker = start('worker', 'dist/apps/worker/src/main.js');
  const running: RunningBerth = { processes: [api, worker], stop: () => stopAll([api, worker]) };

  const url = `http://127.0.0.1:${env.PORT ?? '8080'}/readyz`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (api.exitCode !== null || worker.exitCode !== null) {
      await running.stop();
      throw new Error(`Berth exited during start-up; see ${dataDir}/api.log and ${dataDir}/worker.log`);
    }
    try {
      if ((await fetch(url)).ok) return running;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await running.stop();
  throw new Error(`Berth did not become ready at ${url}; see ${dataDir}/api.log`);
}

/** SIGTERM (graceful shutdown), then SIGKILL after 10 s for anything still running. */
export async function stopAll(processes: ChildProcess[]): Promise<void> {
  await Promise.all(processes.map((child) => terminate(child, 'SIGTERM', 10_000)));
}
