import request from 'supertest';
import { testAdmin, type ApiClient } from '#testing';
import { startLab, type Lab } from '../setup/fault-lab.js';

type Problem = { status: number; detail: string };
type Readiness = { checks: Record<string, { status: string } | undefined> };

/**
 * Fault 6: Redis stops while Berth runs. Requests that need the queue answer 503 at once and
 * change nothing; reads keep working (Postgres is the record); once Redis is back (empty: it
 * keeps nothing on disk) the same API and worker processes carry on without a restart.
 */
describe('faults: Redis stops and comes back (private Redis)', () => {
  let lab: Lab;
  let admin: ApiClient;
  let templateId: string;

  beforeAll(async () => {
    lab = await startLab({ name: 'redis', redis: true });
    admin = await lab.start();
    templateId = (
      (
        await admin.post('/templates', {
          name: 'redis-faults',
          spec: { image: 'berth/busybox:test', resources: { cpus: 0.25, memoryMb: 128 } },
        })
      ).body as { id: string }
    ).id;
  });

  afterAll(async () => {
    await lab.teardown();
  });

  it('while Redis is down, start answers 503 in under a second and changes nothing; after it is back the same workers carry on', async () => {
    const id = ((await admin.post('/workspaces', { name: 'redis-ws', templateId })).body as { id: string }).id;
    await admin.waitForStatus(id, 'running');
    await admin.post(`/workspaces/${id}/stop`);
    await admin.waitForStatus(id, 'stopped');
    const buildsBefore = ((await admin.get(`/workspaces/${id}/builds`)).body as unknown[]).length;
    const workspacesBefore = ((await admin.get('/workspaces')).body as unknown[]).length;
    const workerPid = lab.berth.worker.pid;

    await lab.redis!.stop();

    const started = performance.now();
    const start = await admin.post(`/workspaces/${id}/start`);
    const elapsedMs = performance.now() - started;
    expect(start.status).toBe(503);
    expect(start.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((start.body as Problem).detail).toMatch(/the job queue is unavailable/);
    expect(elapsedMs).toBeLessThan(1000);

    // Nothing changed: same status, no new build, and a create made no workspace.
    expect((await admin.get(`/workspaces/${id}`)).body).toMatchObject({ status: 'stopped', lastError: null });
    expect((await admin.get(`/workspaces/${id}/builds`)).body as unknown[]).toHaveLength(buildsBefore);
    expect((await admin.post('/workspaces', { name: 'redis-ws-2', templateId })).status).toBe(503);
    expect((await admin.get('/workspaces')).body as unknown[]).toHaveLength(workspacesBefore);

    // Readiness names Redis; sign-in refuses cleanly (throttling cannot be enforced), never a 500.
    const ready = await admin.root('/readyz');
    expect(ready.status).toBe(503);
    expect((ready.body as Readiness).checks.redis?.status).toBe('down');
    const login = await request(lab.berth.baseUrl)
      .post('/api/v1/auth/login')
      .send({ email: testAdmin.email, password: testAdmin.password });
    expect(login.status).toBe(503);

    await lab.redis!.start();
    await lab.berth.waitReady(30_000);
    // The same processes: the API's producer and the worker's BullMQ connections reconnected.
    expect(lab.berth.worker.pid).toBe(workerPid);
    expect(lab.berth.worker.exitCode).toBeNull();
    expect((await admin.post(`/workspaces/${id}/start`)).status).toBe(202);
    await admin.waitForStatus(id, 'running', 60_000);
    expect(
      (
        await request(lab.berth.baseUrl)
          .post('/api/v1/auth/login')
          .send({ email: testAdmin.email, password: testAdmin.password })
      ).status,
    ).toBe(200);
  });
});
