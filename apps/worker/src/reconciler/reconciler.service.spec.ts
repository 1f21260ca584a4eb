import { randomUUID } from 'node:crypto';
import { type BerthConfig, configSchema } from '#config';
import { parseTemplateSpec } from '#domain';
import {
  BuildsRepository,
  CredentialChanges,
  PrismaService,
  TemplatesRepository,
  SnapshotsRepository,
  TrashRepository,
  UsersRepository,
  WorkspacesRepository,
} from '#persistence';
import { WorkspaceEventsPublisher } from '#queue';
import { cloneDatabase, FakeRuntimeDriver } from '#testing';
import { testEnv } from '../../../../test/setup/test-env.js';
import { ReconcilerService } from './reconciler.service.js';

/**
 * The reconciler's cost and rules with the fake runtime, on a database of its own (a pass judges
 * every workspace in its database, so it must not see other suites' rows). The same rules
 * against real Docker: test/faults/out-of-band.faults.spec.ts and the lab suites.
 */
describe('ReconcilerService (fake runtime, own database)', () => {
  let config: BerthConfig;
  let prisma: PrismaService;
  let workspaces: WorkspacesRepository;
  let events: WorkspaceEventsPublisher;
  const runtime = new FakeRuntimeDriver();
  const ids: string[] = [];
  let ownerId: string;
  let templateId: string;
  const reconcilerOf = (): ReconcilerService =>
    new ReconcilerService(
      config,
      runtime,
      workspaces,
      new BuildsRepository(prisma),
      events,
      new TrashRepository(prisma),
      new SnapshotsRepository(prisma),
    );

  beforeAll(async () => {
    const base = testEnv();
    const url = await cloneDatabase(
      base.DATABASE_URL!.replace(/\/[^/?]*$/, '/postgres'),
      `berth_unit_reconciler_${base.BERTH_INSTANCE!.replace(/-/g, '_')}`,
      base.DATABASE_URL!,
    );
    config = configSchema.parse({ ...base, DATABASE_URL: url });
    prisma = new PrismaService(config);
    workspaces = new WorkspacesRepository(prisma);
    events = new WorkspaceEventsPublisher(config);
    ownerId = (
      await new UsersRepository(prisma, new CredentialChanges()).create({
        email: `rec-${randomUUID()}@berth.test`,
        name: 'r',
        role: 'developer',
        passwordHash: null,
      })
    ).id;
    const template = await new TemplatesRepository(prisma).createWithFirstVersion({
      name: 'rec',
      description: '',
      createdById: null,
      spec: parseTemplateSpec({ image: 'berth/busybox:test' }),
      message: 'v1',
    });
    templateId = template.id;
    runtime.images.add('berth/busybox:test');
    for (let i = 0; i < 20; i++) {
      const ws = await workspaces.create({
        name: `rec-${i}`,
        ownerId,
        templateId: template.id,
        templateVersion: 1,
        parameters: {},
      });
      await workspaces.setStatus(ws.id, 'running');
      ids.push(ws.id);
      await runtime.startContainer({
        workspaceId: ws.id,
        ownerId,
        hostname: ws.name,
        image: 'x',
        spec: parseTemplateSpec({ image: 'berth/busybox:test' }),
        env: {},
      });
    }
  });

  afterAll(async () => {
    await Promise.all([prisma.$disconnect(), events.onApplicationShutdown()]);
  });

  it('one label-filtered list call per pass, whatever the number of workspaces, and status follows a vanished container', async () => {
    await runtime.removeContainer(ids[7]!); // removed behind Berth's back
    runtime.calls.length = 0;
    const reconciler = reconcilerOf();
    await reconciler.reconcile();

    expect(runtime.calls).toEqual(['listWorkspaces']);
    expect(await workspaces.findById(ids[7]!)).toMatchObject({
      status: 'failed',
      lastError: 'the container was removed outside Berth; start it again to recreate it on the same volume',
    });
    const others = await Promise.all(ids.filter((_, i) => i !== 7).map((id) => workspaces.findById(id)));
    expect(others.every((w) => w?.status === 'running')).toBe(true);
  });

  it('sees workspaces, not helpers: a live one loses its leftovers only; an orphan loses all but its volume', async () => {
    const ghost = randomUUID();
    runtime.leftovers.set(ids[3]!, 2); // a crash during volume preparation
    runtime.leftovers.set(ghost, 1);
    runtime.volumes.set(ghost, { preparedFor: null, files: new Map([['work', 'kept']]) });
    runtime.calls.length = 0;
    const reconciler = reconcilerOf();
    await reconciler.reconcile();

    expect(runtime.calls).toEqual(['listWorkspaces', `removeLeftovers ${ids[3]!}`, `discard ${ghost}`]);
    expect(await workspaces.findById(ids[3]!)).toMatchObject({ status: 'running' });
    expect(runtime.containers.get(ids[3]!)?.running).toBe(true);
    expect(runtime.volumes.get(ghost)?.files.get('work')).toBe('kept');
    runtime.volumes.delete(ghost);
  });

  it('an orphan volume (no workspace) is reported on every 12th pass and never deleted, however many passes run', async () => {
    const ghost = randomUUID();
    runtime.volumes.set(ghost, { preparedFor: null, files: new Map([['work', 'kept']]) });
    for (const id of ids) runtime.volumes.set(id, { preparedFor: null, files: new Map() }); // not orphans
    runtime.calls.length = 0;
    const reconciler = reconcilerOf();
    for (let pass = 1; pass <= 11; pass++) await reconciler.reconcile();
    expect(runtime.calls).not.toContain('listManagedVolumes'); // the volume report is not due yet
    expect(reconciler.orphanVolumes).toEqual([]);
    for (let pass = 12; pass <= 120; pass++) {
      await reconciler.reconcile();
      if (pass === 12) expect(reconciler.orphanVolumes).toEqual([ghost]);
    }
    expect(runtime.calls.filter((c) => c === 'listManagedVolumes')).toHaveLength(10);
    expect(reconciler.orphanVolumes).toEqual([ghost]);
    expect(runtime.calls.filter((c) => c.startsWith('removeVolume'))).toEqual([]);
    expect(runtime.volumes.get(ghost)?.files.get('work')).toBe('kept');
    expect(ids.every((id) => runtime.volumes.has(id))).toBe(true);
  });

  it("a trashed workspace's volume is counted in the trash, not as an orphan, and kept", async () => {
    const ghost = randomUUID();
    const trashed = await workspaces.create({
      name: 'rec-trashed',
      ownerId,
      templateId,
      templateVersion: 1,
      parameters: {},
    });
    await prisma.workspace.update({
      where: { id: trashed.id },
      data: { status: 'deleted', deletedAt: new Date(), trashExpiresAt: new Date(Date.now() + 86_400_000) },
    });
    runtime.volumes.set(ghost, { preparedFor: null, files: new Map() });
    runtime.volumes.set(trashed.id, { preparedFor: null, files: new Map([['work', 'kept']]) });
    runtime.calls.length = 0;
    const reconciler = reconcilerOf();
    for (let pass = 1; pass <= 12; pass++) await reconciler.reconcile();
    expect(reconciler.orphanVolumes).toContain(ghost);
    expect(reconciler.orphanVolumes).not.toContain(trashed.id);
    expect(reconciler.trashedVolumes).toEqual([trashed.id]);
    expect(runtime.calls.filter((c) => c.startsWith('removeVolume'))).toEqual([]);
    expect(runtime.volumes.get(trashed.id)?.files.get('work')).toBe('kept');
    runtime.volumes.delete(ghost);
  });

  it('leaves a workspace alone while a snapshot pauses its container, and judges it again after', async () => {
    const id = ids[5]!;
    const snapshots = new SnapshotsRepository(prisma);
    const snapshot = await snapshots.create({
      workspaceId: id,
      ownerId,
      createdById: null,
      kind: 'manual',
      templateVersion: 1,
    });
    runtime.containers.get(id)!.running = false; // as a paused container is listed
    const reconciler = reconcilerOf();
    await reconciler.reconcile();
    expect(await workspaces.findById(id)).toMatchObject({ status: 'running' });
    await snapshots.markFailed(snapshot.id, 'test over');
    await reconciler.reconcile();
    expect(await workspaces.findById(id)).toMatchObject({ status: 'failed' });
  });
});
