import WebSocket from 'ws';
import { containersOf, dockerExec, waitFor, type ApiClient } from '#testing';
import { startLab, type Lab } from '../setup/fault-lab.js';

/** The terminal WebSocket's answer: 101 (opened) or the HTTP status of the refusal. */
function terminalStatus(baseUrl: string, workspaceId: string, token: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${baseUrl.replace('http', 'ws')}/api/v1/workspaces/${workspaceId}/terminal`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(0));
  });
}

const TRANSIENT = ['pending', 'starting', 'stopping', 'deleting'];
type Problem = { detail: string };
type Readiness = { checks: Record<string, { status: string } | undefined> };

/**
 * Faults 3 and 5: the Docker engine hangs (SIGSTOP) or restarts while Berth runs. The lab has an
 * engine of its own, so freezing or restarting it disturbs nothing else on the machine.
 */
describe('faults: the Docker engine hangs or restarts (private engine)', () => {
  let lab: Lab;
  let admin: ApiClient;
  let templateId: string;

  const workspace = async (name: string): Promise<string> => {
    const id = ((await admin.post('/workspaces', { name, templateId })).body as { id: string }).id;
    await admin.waitForStatus(id, 'running', 60_000);
    return id;
  };
  const containerOf = async (id: string): Promise<string> => (await containersOf(id, lab.docker))[0]!.Id;
  const noneTransient = async (): Promise<void> => {
    const all = (await admin.get('/workspaces')).body as { name: string; status: string }[];
    expect(all.filter((w) => TRANSIENT.includes(w.status))).toEqual([]);
  };

  beforeAll(async () => {
    lab = await startLab({
      name: 'engine',
      dockerd: true,
      // Short limits so the test sees each of them fire: 2 s per engine request, 15 s of retries.
      env: { BERTH_DOCKER_TIMEOUT_MS: '2000', BERTH_TRANSIENT_RETRY_MS: '15000', BERTH_RECONCILE_INTERVAL_MS: '1000' },
    });
    admin = await lab.start();
    templateId = (
      (
        await admin.post('/templates', {
          name: 'engine-faults',
          spec: { image: 'berth/busybox:test', resources: { cpus: 0.25, memoryMb: 128 } },
        })
      ).body as { id: string }
    ).id;
  });

  afterAll(async () => {
    lab.dockerd?.resume();
    await lab.teardown();
  });

  it('a hung engine: the build fails at its timeout with the reason, engine-bound requests answer 503, nothing stays starting', async () => {
    const running = await workspace('hung-running');
    const stopped = await workspace('hung-stopped');
    await admin.post(`/workspaces/${stopped}/stop`);
    await admin.waitForStatus(stopped, 'stopped');

    lab.dockerd!.pause();
    try {
      const accepted = await admin.post(`/workspaces/${stopped}/start`);
      expect(accepted.status).toBe(202);
      const stats = await admin.get(`/workspaces/${running}/stats`);
      expect(stats.status).toBe(503);
      expect(stats.headers['content-type']).toMatch(/application\/problem\+json/);
      expect((stats.body as Problem).detail).toMatch(/the Docker engine did not answer within 2 s/);
      const ready = await admin.root('/readyz');
      expect(ready.status).toBe(503);
      expect((ready.body as Readiness).checks.docker?.status).toBe('down');

      const failed = await admin.waitForStatus(stopped, 'failed', 45_000);
      expect(failed.lastError).toMatch(/the Docker engine did not answer within 2 s .*gave up after 15 s of retries/);
      const build = (
        await admin.get(`/workspaces/${stopped}/builds/${(accepted.body as { build: { id: string } }).build.id}`)
      ).body as { status: string; errorCode: string; logs: { line: string }[] };
      expect(build).toMatchObject({ status: 'failed', errorCode: 'unavailable' });
      expect(build.logs.some((l) => /trying again in/.test(l.line))).toBe(true);
      // The reconciler's list call timed out too, and it did not take that for a vanished container.
      expect(((await admin.get(`/workspaces/${running}`)).body as { status: string }).status).toBe('running');
      await noneTransient();
    } finally {
      lab.dockerd!.resume();
    }

    await admin.waitForStatus(running, 'running');
    expect((await admin.post(`/workspaces/${stopped}/start`)).status).toBe(202);
    await admin.waitForStatus(stopped, 'running', 60_000);
  });

  it(
    'the engine restarted: /readyz and engine-bound requests answer 503 meanwhile, ' +
      'lifecycle requests wait, everything converges with data intact',
    async () => {
      const kept = await workspace('restart-kept');
      const checksum = await dockerExec(
        await containerOf(kept),
        ['sh', '-c', 'head -c 65536 /dev/urandom > ~/data && sha256sum ~/data'],
        '1000:1000',
        lab.docker,
      );
      const waiting = await workspace('restart-waiting');
      await admin.post(`/workspaces/${waiting}/stop`);
      await admin.waitForStatus(waiting, 'stopped');

      await lab.dockerd!.stop();
      const ready = await admin.root('/readyz');
      expect(ready.status).toBe(503);
      expect((ready.body as Readiness).checks.docker?.status).toBe('down');
      const stats = await admin.get(`/workspaces/${kept}/stats`);
      expect(stats.status).toBe(503);
      expect((stats.body as Problem).detail).toMatch(/the Docker engine is not reachable/);
      expect(await terminalStatus(lab.berth.baseUrl, kept, admin.token)).toBe(503);
      // Accepted: the request is recorded and its build waits for the engine (within the retry window).
      expect((await admin.post(`/workspaces/${waiting}/start`)).status).toBe(202);
      await waitFor(
        async () => ((await admin.get(`/workspaces/${waiting}`)).body as { status: string }).status,
        (s) => s === 'starting',
        'the start to wait for the engine',
        10_000,
      );

      await lab.dockerd!.start();
      await lab.berth.waitReady(30_000);
      await admin.waitForStatus(waiting, 'running', 60_000);
      // The engine's restart policy brought the running workspace back; the reconciler agreed.
      await admin.waitForStatus(kept, 'running');
      expect(await dockerExec(await containerOf(kept), ['sha256sum', '/home/dev/data'], '1000:1000', lab.docker)).toBe(
        checksum,
      );
      expect((await admin.get(`/workspaces/${kept}/stats`)).status).toBe(200);
      expect(await terminalStatus(lab.berth.baseUrl, kept, admin.token)).toBe(101);
      expect(await containersOf(kept, lab.docker)).toHaveLength(1);
      await noneTransient();
    },
  );
});
