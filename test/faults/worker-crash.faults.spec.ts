import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { containersOf, signIn, startBerth, stopAll, testAdmin, uniqueName, waitFor, type ApiClient, type RunningBerth } from '#testing';
import { testEnv } from '../setup/test-env.js';

/**
 * Fault 1: the worker is SIGKILLed in the middle of a start (container created and started, start
 * script running). A new worker takes the job over once its lock expires (BullMQ stalled-job
 * recovery), re-runs the idempotent steps, and the workspace ends running with one container.
 * Runs its own API, worker and database (own port, queue prefix and labels) so killing them
 * disturbs no other suite, and the suite's own reaper does not judge its builds.
 */
describe('faults: worker killed mid-build', () => {
  const env = {
    ...testEnv(),
    PORT: String(Number(testEnv().PORT) + 500),
    BERTH_INSTANCE: `${testEnv().BERTH_INSTANCE ?? 'test'}-crash`,
    BERTH_WORKSPACE_NETWORK: `berth-${testEnv().BERTH_INSTANCE ?? 'test'}-crash-workspaces`,
    BERTH_DATA_DIR: '.berth/test-crash',
    DATABASE_URL: `${testEnv().DATABASE_URL!.replace(/\/[^/]*$/, '')}/berth_test_crash`,
    // Longer than BullMQ's lock (30 s): the new worker, not the reaper, settles the build.
    BERTH_BUILD_HEARTBEAT_TIMEOUT_MS: '120000',
  };
  let berth: RunningBerth;
  let replacement: ChildProcess | undefined;
  let admin: ApiClient;

  beforeAll(async () => {
    execFileSync('bash', ['scripts/migrate.sh', '--fresh'], { env: { ...process.env, DATABASE_URL: env.DATABASE_URL }, stdio: 'ignore' });
    berth = await startBerth(env);
    admin = await signIn(testAdmin.email, testAdmin.password, `http://127.0.0.1:${env.PORT}`);
  });

  afterAll(async () => {
    await stopAll([...berth.processes, ...(replacement ? [replacement] : [])]);
  });

  it('a new worker finishes the build: one container, status running', async () => {
    const templateId = ((await admin.post('/templates', { name: uniqueName('crash'), spec: { image: 'berth/busybox:test', startScript: 'echo sleeping; sleep 6' } })).body as { id: string }).id;
    const id = ((await admin.post('/workspaces', { name: uniqueName('crash'), templateId })).body as { id: string }).id;
    const latest = async (): Promise<{ id: string; status: string; logs: { line: string }[] }> => {
      const [build] = (await admin.get(`/workspaces/${id}/builds`)).body as { id: string }[];
      return (await admin.get(`/workspaces/${id}/builds/${build!.id}`)).body as never;
    };
    await waitFor(latest, (b) => b.logs.some((l) => l.line === 'sleeping'), 'the start script to run', 60_000, 100);
    expect(await containersOf(id)).toHaveLength(1);

    berth.processes[1]!.kill('SIGKILL');
    const log = fs.openSync(`${env.BERTH_DATA_DIR}/worker-replacement.log`, 'w');
    replacement = spawn(process.execPath, ['dist/apps/worker/src/main.js'], { env: { ...process.env, ...env }, stdio: ['ignore', log, log] });

    await admin.waitForStatus(id, 'running', 120_000);
    expect(await containersOf(id)).toHaveLength(1);
    expect((await latest()).status).toBe('succeeded');
    await admin.delete(`/workspaces/${id}`);
    await admin.waitForGone(id);
  }, 180_000);
});
