import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from '../wait-for.js';
import { exited, terminate } from './run.js';

/**
 * The compiled API and worker(s) of one fault test, started and killed one by one (as `npm run
 * up` starts them), each logging to its own file under `dataDir`. Unlike startBerth, nothing here
 * waits for every dependency: a fault test starts Berth while something is down on purpose.
 */
export class BerthUnderTest {
  api: ChildProcess | null = null;
  readonly workers: ChildProcess[] = [];
  private readonly dataDir: string;

  constructor(readonly env: Record<string, string>) {
    this.dataDir = env.BERTH_DATA_DIR ?? '.berth/lab';
    fs.mkdirSync(this.dataDir, { recursive: true });
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.env.PORT ?? '8080'}`;
  }

  /** The worker started last (the one a test usually kills). */
  get worker(): ChildProcess {
    const last = this.workers.at(-1);
    if (!last) throw new Error('no worker started');
    return last;
  }

  logFile(name: string): string {
    return path.join(this.dataDir, `${name}.log`);
  }

  async startApi(): Promise<ChildProcess> {
    this.api = this.launch('api', 'dist/apps/api/src/main.js');
    const api = this.api;
    await waitFor(
      async () => {
        if (api.exitCode !== null) throw new Error(`the API exited at start-up; see ${this.logFile('api')}`);
        return answers(`${this.baseUrl}/healthz`);
      },
      Boolean,
      'the API to listen',
      60_000,
      200,
    );
    return api;
  }

  /** Starts one more worker and waits until it says it is ready. */
  async startWorker(extraEnv: Record<string, string> = {}): Promise<ChildProcess> {
    const name = `worker-${this.workers.length + 1}`;
    const worker = this.launch(name, 'dist/apps/worker/src/main.js', extraEnv);
    this.workers.push(worker);
    await waitFor(
      () => {
        if (worker.exitCode !== null) throw new Error(`${name} exited at start-up; see ${this.logFile(name)}`);
        return Promise.resolve(fs.readFileSync(this.logFile(name), 'utf8').includes('berth worker ready'));
      },
      Boolean,
      `${name} to be ready`,
      60_000,
      100,
    );
    return worker;
  }

  /** /readyz answers 200: Postgres, Redis and Docker all reachable from the API. */
  async waitReady(timeoutMs = 60_000): Promise<void> {
    await waitFor(() => answers(`${this.baseUrl}/readyz`), Boolean, 'Berth to be ready', timeoutMs, 200);
  }

  /** SIGKILL: the process gets no chance to clean up (a crash, an OOM kill, a power cut). */
  async kill(child: ChildProcess | null): Promise<void> {
    if (!child) return;
    child.kill('SIGKILL');
    await exited(child);
  }

  /** At the end of a test: nothing to drain, so no reason to wait for a graceful exit. */
  async killAll(): Promise<void> {
    await Promise.all([this.api, ...this.workers].map((c) => this.kill(c)));
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      [this.api, ...this.workers].map((c) => (c ? terminate(c, 'SIGTERM', 15_000) : Promise.resolve())),
    );
  }

  private launch(name: string, entry: string, extraEnv: Record<string, string> = {}): ChildProcess {
    const log = fs.openSync(this.logFile(name), 'w');
    // OIDC settings of the main test run are not the lab's: the lab API must not try to discover that IdP.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BERTH_OIDC_')));
    const child = spawn(process.execPath, [entry], {
      env: { ...inherited, ...this.env, ...extraEnv },
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    return child;
  }
}

/** 2xx from `url`; false while nothing listens yet. */
function answers(url: string): Promise<boolean> {
  return fetch(url).then(
    (res) => res.ok,
    () => false,
  );
}
