import { containersOf, openEventStream, waitFor, type ApiClient } from '#testing';
import { startLab, type Lab } from '../setup/fault-lab.js';

type Build = { id: string; status: string; stages: Record<string, number>; logs: { line: string }[] };
type Problem = { detail: string };
type Readiness = { checks: Record<string, { status: string } | undefined> };

/**
 * Fault 7: Postgres goes away in the middle of a build (the record of truth is briefly
 * unreachable) and comes back. The build waits, tries again from actual state, and completes:
 * no failed status in between, no state skipped, every stage recorded, one container.
 */
describe('faults: Postgres restarts mid-build (private Postgres)', () => {
  let lab: Lab;
  let admin: ApiClient;

  beforeAll(async () => {
    lab = await startLab({ name: 'postgres', postgres: true, env: { BERTH_TRANSIENT_RETRY_MS: '60000' } });
    admin = await lab.start();
  });

  afterAll(async () => {
    await lab.teardown();
  });

  it('the build retries and completes without a skipped state; the API answers 503 meanwhile', async () => {
    const templateId = (
      (
        await admin.post('/templates', {
          name: 'pg-faults',
          spec: { image: 'berth/busybox:test', startScript: 'echo script-running; sleep 3; echo script-done' },
        })
      ).body as { id: string }
    ).id;
    const id = ((await admin.post('/workspaces', { name: 'pg-ws', templateId })).body as { id: string }).id;
    const stream = openEventStream(
      `${lab.berth.baseUrl}/api/v1/workspaces/${id}/events`,
      admin.token,
      lab.berth.baseUrl,
    );
    expect(await stream.status).toBe(200);
    const latestBuild = async (): Promise<Build> => {
      const [build] = (await admin.get(`/workspaces/${id}/builds`)).body as { id: string }[];
      return (await admin.get(`/workspaces/${id}/builds/${build!.id}`)).body as Build;
    };
    await waitFor(
      latestBuild,
      (b) => b.logs.some((l) => l.line === 'script-running'),
      'the start script to run',
      60_000,
      100,
    );

    // Down across the end of the script: the worker's next writes fail and must be waited out.
    await lab.postgres!.stop('fast');
    const during = await admin.get('/workspaces');
    expect(during.status).toBe(503);
    expect((during.body as Problem).detail).toMatch(/the database is not reachable/);
    const ready = await admin.root('/readyz');
    expect(ready.status).toBe(503);
    expect((ready.body as Readiness).checks.postgres?.status).toBe('down');
    await new Promise((resolve) => setTimeout(resolve, 5000));
    await lab.postgres!.start();

    await admin.waitForStatus(id, 'running', 90_000);
    const build = await latestBuild();
    expect(build.status).toBe('succeeded');
    expect(Object.keys(build.stages)).toEqual(
      expect.arrayContaining(['queue', 'image', 'volume', 'container', 'scripts', 'ready']),
    );
    expect(build.logs.some((l) => /the database is not reachable; trying again/.test(l.line))).toBe(true);
    // The retry resumed after the script: it ran once, in the one container.
    expect(build.logs.filter((l) => l.line === 'script-running')).toHaveLength(1);
    expect(build.logs.some((l) => l.line === 'script-done')).toBe(true);
    expect(await containersOf(id, lab.docker)).toHaveLength(1);

    // What a watcher saw: starting before running, never failed.
    await waitFor(
      async () => Promise.resolve(stream.events.filter((e) => e.event === 'status').map((e) => e.data.status)),
      (s) => s.at(-1) === 'running',
      'the running event',
      10_000,
    );
    stream.close();
    const statuses = stream.events.filter((e) => e.event === 'status').map((e) => e.data.status as string);
    expect(statuses).not.toContain('failed');
    expect(statuses).toContain('starting');
    expect(statuses.indexOf('starting')).toBeLessThan(statuses.lastIndexOf('running'));
  });
});
