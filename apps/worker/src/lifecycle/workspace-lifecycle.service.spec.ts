import { type WorkspaceEvent } from '#queue';
import { waitFor, type FakeRuntimeDriver } from '#testing';
import { lifecycleFixture } from './lifecycle.fixture.js';
import { type WorkspaceLifecycleService } from './workspace-lifecycle.service.js';

/**
 * Orchestration rules with the fake runtime and the real test database: which runtime calls a
 * transition makes, what it records, and that running a build twice changes nothing.
 * The same behaviour against real Docker is in test/e2e.
 */
describe('WorkspaceLifecycleService (fake runtime, real Postgres)', () => {
  const fixture = lifecycleFixture();
  const { builds, workspaces, subscriber, newWorkspace, transition } = fixture;
  let runtime: FakeRuntimeDriver;
  let service: WorkspaceLifecycleService;

  beforeAll(() => fixture.setUp());
  afterAll(() => fixture.tearDown());

  beforeEach(() => {
    runtime = fixture.runtime();
    service = fixture.service(runtime);
  });

  it('start: image, volume (prepared once), container, scripts; then running with named ports', async () => {
    const id = await newWorkspace({
      image: 'berth/busybox:test',
      initScript: 'init',
      startScript: 'start',
      ports: [{ port: 80, name: 'web' }],
    });
    await service.run(await transition(id, 'start'));
    expect(runtime.calls).toEqual([
      'ensureImage berth/busybox:test',
      `ensureVolume ${id}`,
      `prepareVolume ${id}`,
      `startContainer ${id}`,
      `exec ${id} sh -c init`,
      `exec ${id} sh -c start`,
    ]);
    const ws = await workspaces.findById(id);
    expect(ws).toMatchObject({
      status: 'running',
      lastError: null,
      ports: [{ port: 80, name: 'web', hostPort: 40000 }],
    });
    expect(ws?.initializedAt).toBeInstanceOf(Date);
    expect(ws?.volumePreparedAt).toBeInstanceOf(Date);
  });

  it('is idempotent: running a finished build again does nothing', async () => {
    const id = await newWorkspace({ image: 'berth/busybox:test' });
    const buildId = await transition(id, 'start');
    await service.run(buildId);
    const callsAfterFirst = runtime.calls.length;
    await service.run(buildId);
    expect(runtime.calls).toHaveLength(callsAfterFirst);
    expect(runtime.containers.size).toBe(1);
  });

  it('restart keeps the volume, does not prepare it again and does not rerun the init script', async () => {
    const id = await newWorkspace({ image: 'berth/busybox:test', initScript: 'init', startScript: 'start' });
    await service.run(await transition(id, 'start'));
    runtime.calls.length = 0;
    await service.run(await transition(id, 'restart'));
    // The version's image is pinned already: no pull, no prepare, no init script.
    expect(runtime.calls).toEqual([
      `removeContainer ${id}`,
      `ensureVolume ${id}`,
      `startContainer ${id}`,
      `exec ${id} sh -c start`,
    ]);
    expect(runtime.volumes.has(id)).toBe(true);
  });

  it('a failing start script fails the build with its exit code and the workspace with lastError', async () => {
    const id = await newWorkspace({ image: 'berth/busybox:test', startScript: 'boom' });
    runtime.scriptExitCodes.set('boom', 3);
    const buildId = await transition(id, 'start');
    await service.run(buildId);
    expect(await builds.findById(buildId)).toMatchObject({
      status: 'failed',
      errorCode: 'script_failed',
      error: expect.stringMatching(/^startScript exited with code 3/) as string,
    });
    expect(await workspaces.findById(id)).toMatchObject({
      status: 'failed',
      lastError: expect.stringMatching(/code 3/) as string,
    });
  });

  it('a missing image fails the build before any volume or container is made', async () => {
    const id = await newWorkspace({ image: 'berth/nowhere:1' });
    await service.run(await transition(id, 'start'));
    expect(runtime.calls).toEqual(['ensureImage berth/nowhere:1']);
    expect(await workspaces.findById(id)).toMatchObject({
      status: 'failed',
      lastError: 'image berth/nowhere:1 is not available',
    });
  });

  it('stop removes only the container; delete keeps the volume in the trash; a purging delete removes it', async () => {
    const id = await newWorkspace({ image: 'berth/busybox:test' });
    await service.run(await transition(id, 'start'));
    await service.run(await transition(id, 'stop'));
    expect(runtime.containers.has(id)).toBe(false);
    expect(runtime.volumes.has(id)).toBe(true);
    expect(await workspaces.findById(id)).toMatchObject({ status: 'stopped', ports: [] });
    await service.run(await transition(id, 'delete'));
    expect(runtime.volumes.has(id)).toBe(true);
    const deleted = await workspaces.findById(id);
    expect(deleted?.status).toBe('deleted');
    expect(deleted?.deletedAt).toBeInstanceOf(Date);
    expect(deleted?.trashExpiresAt?.getTime()).toBeGreaterThan(Date.now());
    expect(deleted?.purgedAt).toBeNull();

    const purged = await newWorkspace({ image: 'berth/busybox:test' });
    await service.run(await transition(purged, 'start'));
    const build = await transition(purged, 'delete');
    await workspaces.update(purged, { purgeRequestedAt: new Date() });
    await service.run(build);
    expect(runtime.volumes.has(purged)).toBe(false);
    expect((await workspaces.findById(purged))?.purgedAt).toBeInstanceOf(Date);
  });

  it('announces each status change and log batch to watchers, in order', async () => {
    const id = await newWorkspace({ image: 'berth/busybox:test', startScript: 'hello' });
    const seen: WorkspaceEvent[] = [];
    const subscription = subscriber.forWorkspace(id).subscribe((e) => seen.push(e));
    await subscriber.ready; // Redis confirmed the subscription: nothing published from here is missed
    await service.run(await transition(id, 'start'));
    await waitFor(
      async () => Promise.resolve(seen.filter((e) => e.type === 'status').length),
      (n) => n >= 2,
      'status events',
      5000,
      20,
    );
    subscription.unsubscribe();
    expect(seen.filter((e) => e.type === 'status').map((e) => e.type === 'status' && e.status)).toEqual([
      'starting',
      'running',
    ]);
    expect(seen.some((e) => e.type === 'log' && e.lines.includes('ran: hello'))).toBe(true);
  });

  it('records stage timings and log lines on the build', async () => {
    const id = await newWorkspace({ image: 'berth/busybox:test', startScript: 'hello' });
    const buildId = await transition(id, 'start');
    await service.run(buildId);
    const build = await builds.findById(buildId);
    expect(Object.keys(build?.stages as object).sort()).toEqual([
      'container',
      'image',
      'queue',
      'ready',
      'scripts',
      'volume',
    ]);
    expect(build?.startedAt).toBeInstanceOf(Date);
    expect(build?.finishedAt).toBeInstanceOf(Date);
    expect((await builds.logs(buildId)).map((l) => l.line)).toEqual(
      expect.arrayContaining(['using berth/busybox:test', 'ran: hello']),
    );
  });

  it('with its own command, start waits in stage `ports` until every declared port answers, then is running', async () => {
    const id = await newWorkspace({
      image: 'berth/busybox:test',
      command: ['serve'],
      ports: [
        { port: 80, name: 'web' },
        { port: 81, name: 'api' },
      ],
    });
    runtime.portsClosedFor.set(81, 2); // the server binds 81 only on the third probe
    const buildId = await transition(id, 'start');
    await service.run(buildId);
    expect(runtime.calls.slice(runtime.calls.indexOf(`startContainer ${id}`))).toEqual([
      `startContainer ${id}`,
      `closedPorts ${id} 80,81`,
      `closedPorts ${id} 80,81`,
      `closedPorts ${id} 80,81`,
    ]);
    const build = await builds.findById(buildId);
    expect(Object.keys(build?.stages as object)).toContain('ports');
    const lines = (await builds.logs(buildId)).map((l) => l.line);
    expect(lines.indexOf('ports 80, 81 ready')).toBeGreaterThan(lines.indexOf('stage ports: started'));
    expect(lines.indexOf('ports 80, 81 ready')).toBeLessThan(lines.indexOf('stage ready: started'));
    expect(await workspaces.findById(id)).toMatchObject({ status: 'running' });
  });

  it('a declared port that never answers: running once the limit has passed, with a warning in the timeline', async () => {
    const id = await newWorkspace({
      image: 'berth/busybox:test',
      command: ['serve'],
      ports: [{ port: 82, name: 'x' }],
    });
    runtime.portsClosedFor.set(82, Number.MAX_SAFE_INTEGER);
    const limit = fixture.config.BERTH_PORTS_READY_TIMEOUT_MS;
    fixture.config.BERTH_PORTS_READY_TIMEOUT_MS = 600;
    try {
      const buildId = await transition(id, 'start');
      await service.run(buildId);
      expect((await builds.logs(buildId)).map((l) => l.line)).toContain(
        'warning: port 82 did not accept a connection within 1 s; running without waiting longer',
      );
      expect(await workspaces.findById(id)).toMatchObject({ status: 'running' });
    } finally {
      fixture.config.BERTH_PORTS_READY_TIMEOUT_MS = limit;
    }
  });

  it('without a command of its own (the default sleeps), nothing serves the ports: no wait', async () => {
    const id = await newWorkspace({ image: 'berth/busybox:test', ports: [{ port: 83, name: 'x' }] });
    runtime.portsClosedFor.set(83, Number.MAX_SAFE_INTEGER);
    await service.run(await transition(id, 'start'));
    expect(runtime.calls.filter((c) => c.startsWith('closedPorts'))).toEqual([]);
    expect(await workspaces.findById(id)).toMatchObject({ status: 'running' });
  });

  it('100 stop/start cycles: one volume, prepared once, never removed; the init script once; a new container each time', async () => {
    const id = await newWorkspace({ image: 'berth/busybox:test', initScript: 'init', startScript: 'start' });
    await service.run(await transition(id, 'start'));
    const preparedAt = (await workspaces.findById(id))?.volumePreparedAt;
    runtime.volumes.get(id)!.files.set('c', 'checksum');
    for (let i = 0; i < 100; i++) {
      const stop = await transition(id, 'stop');
      await service.run(stop);
      expect(runtime.containers.has(id)).toBe(false);
      const start = await transition(id, 'start');
      await service.run(start);
      expect(await builds.findById(stop)).toMatchObject({ status: 'succeeded' });
      expect(await builds.findById(start)).toMatchObject({ status: 'succeeded' });
    }
    const count = (prefix: string): number => runtime.calls.filter((c) => c.startsWith(prefix)).length;
    expect(count('removeVolume')).toBe(0);
    expect(count('prepareVolume')).toBe(1);
    expect(count(`exec ${id} sh -c init`)).toBe(1);
    expect(count(`exec ${id} sh -c start`)).toBe(101);
    expect(count('removeContainer')).toBe(100);
    expect(runtime.volumes.get(id)?.files.get('c')).toBe('checksum');
    expect(await workspaces.findById(id)).toMatchObject({ status: 'running', volumePreparedAt: preparedAt });
  });

  it('the database allows only one active build per workspace', async () => {
    const id = await newWorkspace({ image: 'berth/busybox:test' });
    await transition(id, 'start');
    await expect(transition(id, 'stop')).rejects.toMatchObject({ code: 'P2002' });
  });
});
