import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { testEnv } from './test-env.js';

declare global {
  var berthProcesses: ChildProcess[] | undefined;
}

/**
 * Starts the real API and worker (compiled, as `npm run up` runs them) against the test database,
 * Redis and Docker. Tests talk to them over HTTP only.
 */
export default async function globalSetup(): Promise<void> {
  const berth = testEnv();
  const env = { ...process.env, ...berth };
  Object.assign(process.env, berth);
  const dataDir = berth.BERTH_DATA_DIR ?? '.berth/test';
  fs.mkdirSync(dataDir, { recursive: true });
  const start = (name: string, entry: string): ChildProcess => {
    const log = fs.openSync(path.join(dataDir, `${name}.log`), 'w');
    return spawn(process.execPath, [entry], { env, stdio: ['ignore', log, log] });
  };
  const api = start('api', 'dist/apps/api/src/main.js');
  const worker = start('worker', 'dist/apps/worker/src/main.js');
  globalThis.berthProcesses = [api, worker];

  const url = `http://127.0.0.1:${env.PORT}/readyz`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (api.exitCode !== null) throw new Error(`the API exited with ${api.exitCode}; see ${dataDir}/api.log`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the API did not become ready at ${url}; see ${dataDir}/api.log`);
}
