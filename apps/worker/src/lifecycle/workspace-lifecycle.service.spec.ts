import { randomUUID } from 'node:crypto';
import { type BerthConfig, configSchema } from '#config';
import { parseTemplateSpec } from '#domain';
import { BuildsRepository, PrismaService, TemplatesRepository, TemplateVersionsRepository, UsersRepository, WorkspacesRepository } from '#persistence';
import { TemplateImageService } from '../templates/template-image.service.js';

import { WorkspaceEventsPublisher, WorkspaceEventsSubscriber, type WorkspaceEvent } from '#queue';
import { FakeRuntimeDriver, waitFor } from '#testing';
import { testEnv } from '../../../../test/setup/test-env.js';
import { WorkspaceLifecycleService } from './workspace-lifecycle.service.js';

/**
 * Orchestration rules with the fake runtime and the real test database: which runtime calls a
 * transition makes, what it records, and that running a build twice changes nothing.
 * The same behaviour against real Docker is in test/e2e.
 */
describe('WorkspaceLifecycleService (fake runtime, real Postgres)', () => {
  const config: BerthConfig = configSchema.parse(testEnv());
  const prisma = new PrismaService(config);
  const builds = new BuildsRepository(prisma);
  const workspaces = new WorkspacesRepository(prisma);
  const templates = new TemplatesRepository(prisma);
  const users = new UsersRepository(prisma);
  const versions = new TemplateVersionsRepository(prisma);
  // Real Redis pub/sub, as in production: the test listens the way the API does.
  const events = new WorkspaceEventsPublisher(config);
  const subscriber = new WorkspaceEventsSubscriber(config);
  let runtime: FakeRuntimeDriver;
  let service: WorkspaceLifecycleService;
  let ownerId: string;

  beforeAll(async () => {
    ownerId = (await users.create({ email: `orch-${randomUUID()}@berth.test`, name: 'o', role: 'developer', passwordHash: null })).id;
  });
  afterAll(async () => {
    await Promise.all([prisma.$disconnect(), events.onApplicationShutdown(), subscriber.onApplicationShutdown()]);
  });

  beforeEach(() => {
    runtime = new FakeRuntimeDriver();
    runtime.images.add('berth/busybox:test');
    service = new WorkspaceLifecycleService(config, runtime, builds, workspaces, templates, events, new TemplateImageService(config, runtime, versions));
  });

  const newWorkspace = async (spec: object): Promise<string> => {
    const t = await templates.createWithFirstVersion({ name: `orch-${randomUUID()}`, description: '', createdById: null, spec: parseTemplateSpec(spec), message: 'v1' });
    return (await workspaces.create({ name: `w-${randomUUID().slice(0, 8)}`, ownerId, templateId: t.id, templateVersion: 1, parameters: {} })).id;
  };
  const transition = async (workspaceId: string, kind: 'start' | 'stop' | 'restart' | 'rebuild' | 'delete'): Promise<string> =>
    (await builds.createForTransition({ workspaceId, kind, templateVersion: 1, requestedById: null, requestedStatus: 'pending', desiredState: 'running' })).id;

  it('start: image, volume (prepared once), container, scripts; then running with named ports', async () => {
    const id = await newWorkspace({ image: 'berth/busybox:test', initScript: 'init', startScript: 'start', ports: [{ port: 80, name: 'web' }] });
    await service.run(await transition(id, 'start'));
    expect(runtime.calls).toEqual([
      'ensureImage berth/busybox:test', `ensureVolume ${id}`, `prepareVolume ${id}`, `startContainer ${id}`, `exec ${id} sh -c init`, `exec ${id} sh -c start`,
    ]);
    const ws = await workspaces.findById(id);
    expect(ws).toMatchObject({ status: 'running', lastError: null, ports: [{ port: 80, name: 'web', hostPort: 40000 }] });
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
    expect(runtime.calls).toEqual([`removeContainer ${id}`, `ensureVolume ${id}`, `startContainer ${id}`, `exec ${id} sh -c start`]);
    expect(runtime.volumes.has(id)).toBe(true);
  });

  it('a failing start script fails the build with its exit code and the workspace with lastError', async () => {
    const id = await newWorkspace({ image: 'berth/busybox:test', startScript: 'boom' });
    runtime.scriptExitCodes.set('boom', 3);
    const buildId = await transition(id, 'start');
    await service.run(buildId);
    expect(await builds.findById(buildId)).toMatchObject({ status: 'failed', errorCode: 'script_failed', error: expect.stringMatching(/^startScript exited with code 3/) as string });
    expect(await workspaces.findById(id)).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/code 3/) as string });
  });

  it('a missing image fails the build before any volume or container is made', async () => {
    const id = await newWorkspace({ image: 'berth/nowhere:1' });
    await service.run(await transition(id, 'start'));
    expect(runtime.calls).toEqual(['ensureImage berth/nowhere:1']);
    expect(await workspaces.findById(id)).toMatchObject({ status: 'failed', lastError: 'image berth/nowhere:1 is not available' });
  });

  it('stop removes only the container; delete removes the volume and marks the workspace deleted', async () => {
    const id = await newWorkspace({ image: 'berth/busybox:test' });
    await service.run(await transition(id, 'start'));
    await service.run(await transition(id, 'stop'));
    expect(runtime.containers.has(id)).toBe(false);
    expect(runtime.volumes.has(id)).toBe(true);
    expect(await workspaces.findById(id)).toMatchObject({ status: 'stopped', ports: [] });
    await service.run(await transition(id, 'delete'));
    expect(runtime.volumes.has(id)).toBe(false);
    const deleted = await workspaces.findById(id);
    expect(deleted?.status).toBe('deleted');
    expect(deleted?.deletedAt).toBeInstanceOf(Date);
  });

  it('announces each status change and log batch to watchers, in order', async () => {
    const id = await newWorkspace({ image: 'berth/busybox:test', startScript: 'hello' });
    const seen: WorkspaceEvent[] = [];
    const subscription = subscriber.forWorkspace(id).subscribe((e) => seen.push(e));
    await new Promise((resolve) => setTimeout(resolve, 100)); // the subscription is live
    await service.run(await transition(id, 'start'));
    await waitFor(async () => Promise.resolve(seen.filter((e) => e.type === 'status').length), (n) => n >= 2, 'status events', 5000, 20);
    subscription.unsubscribe();
    expect(seen.filter((e) => e.type === 'status').map((e) => e.type === 'status' && e.status)).toEqual(['starting', 'running']);
    expect(seen.some((e) => e.type === 'log' && e.lines.includes('ran: hello'))).toBe(true);
  });

  it('records stage timings and log lines on the build', async () => {
    const id = await newWorkspace({ image: 'berth/busybox:test', startScript: 'hello' });
    const buildId = await transition(id, 'start');
    await service.run(buildId);
    const build = await builds.findById(buildId);
    expect(Object.keys(build?.stages as object).sort()).toEqual(['container', 'image', 'queue', 'ready', 'scripts', 'volume']);
    expect(build?.startedAt).toBeInstanceOf(Date);
    expect(build?.finishedAt).toBeInstanceOf(Date);
    expect((await builds.logs(buildId)).map((l) => l.line)).toEqual(expect.arrayContaining(['using berth/busybox:test', 'ran: hello']));
  });

  it('the database allows only one active build per workspace', async () => {
    const id = await newWorkspace({ image: 'berth/busybox:test' });
    await transition(id, 'start');
    await expect(transition(id, 'stop')).rejects.toMatchObject({ code: 'P2002' });
  });
});
