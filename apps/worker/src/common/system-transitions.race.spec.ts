import { type TransitionKind } from '#domain';
import { AuditRepository, type BuildRecord, type WorkspacesRepository } from '#persistence';
import { TransitionBuilder, type WorkspaceJobsProducer } from '#queue';
import { type FakeRuntimeDriver } from '#testing';
import { lifecycleFixture } from '../lifecycle/lifecycle.fixture.js';
import { type WorkspaceLifecycleService } from '../lifecycle/workspace-lifecycle.service.js';
import { IdleStopperService } from '../idle/idle-stopper.service.js';
import { RetentionService } from '../retention/retention.service.js';
import { SystemTransitions } from './system-transitions.js';

/**
 * A system transition (retention delete, idle stop) decides on what it read, and the user acts
 * between that read and its request. A hook runs the user's action exactly there, every time: the
 * re-check under the row lock must see it and do nothing. Real Postgres, fake runtime.
 */
class RacingTransitions extends SystemTransitions {
  /** Runs once, for this workspace, between the pass's read and its request. */
  userActs: { workspaceId: string; act: () => Promise<void> } | null = null;
  readonly answers: (BuildRecord | null)[] = [];

  override async request(...args: Parameters<SystemTransitions['request']>): Promise<BuildRecord | null> {
    const hook = this.userActs;
    if (hook && hook.workspaceId === args[0].id) {
      this.userActs = null;
      await hook.act();
    }
    const answer = await super.request(...args);
    this.answers.push(answer);
    return answer;
  }
}

describe('system transitions racing the user (row-lock re-check)', () => {
  // Its own database: the e2e worker's retention and idle passes must not act on these rows.
  const fixture = lifecycleFixture({}, { ownDatabase: 'races' });
  const { builds, workspaces, templates, events, prisma, newWorkspace } = fixture;
  // Jobs are not run by a queue worker here: the spec runs every build itself, in order.
  const jobs = { enqueue: () => Promise.resolve() } as unknown as WorkspaceJobsProducer;
  let runtime: FakeRuntimeDriver;
  let service: WorkspaceLifecycleService;
  let transitions: RacingTransitions;

  beforeAll(() => fixture.setUp());
  afterAll(() => fixture.tearDown());
  beforeEach(() => {
    runtime = fixture.runtime();
    service = fixture.service(runtime);
    transitions = new RacingTransitions(new TransitionBuilder(builds, workspaces, new AuditRepository(prisma), jobs));
  });

  /** A user's request, as the API makes it (status re-checked under the lock), run to its end. */
  const userDoes = async (workspaceId: string, kind: TransitionKind): Promise<void> => {
    const build = await builds.createForTransition({
      workspaceId,
      kind,
      templateVersion: 1,
      requestedById: null,
      requestedStatus: kind === 'stop' ? 'stopping' : 'starting',
      desiredState: kind === 'stop' ? 'stopped' : 'running',
      allowedFrom: kind === 'start' ? ['pending', 'stopped', 'failed'] : ['running'],
    });
    await service.run(build.id);
  };
  /** Runs whatever the system queued meanwhile, as the worker would. */
  const drain = async (workspaceId: string): Promise<BuildRecord[]> => {
    const queued = (await builds.listForWorkspace(workspaceId)).filter((b) => b.status === 'queued');
    for (const b of queued) await service.run(b.id);
    return queued;
  };
  /** The pass sees only this spec's workspace (other suites share the database). */
  const only = (id: string): WorkspacesRepository =>
    Object.assign(Object.create(workspaces) as WorkspacesRepository, {
      listLive: async (owner: string | null) => (await workspaces.listLive(owner)).filter((w) => w.id === id),
      listStoppedForRetention: async () =>
        (await workspaces.listStoppedForRetention()).filter((c) => c.workspace.id === id),
    });
  const pass = (task: RetentionService | IdleStopperService): Promise<void> =>
    (task as unknown as { pass(): Promise<void> }).pass();

  /** A stopped workspace that has been dormant so long that retention deletes it on its next pass. */
  const dueForDeletion = async (): Promise<string> => {
    const id = await newWorkspace({
      image: 'berth/busybox:test',
      retention: { dormantAfterDays: 1, deleteAfterDays: 1 },
    });
    await userDoes(id, 'start');
    await userDoes(id, 'stop');
    const day = 86_400_000;
    await prisma.workspace.update({
      where: { id },
      data: { dormantAt: new Date(Date.now() - 2 * day), deletesAt: new Date(Date.now() - day) },
    });
    await prisma.build.updateMany({ where: { workspaceId: id }, data: { finishedAt: new Date(Date.now() - 5 * day) } });
    return id;
  };
  const retention = (id: string): RetentionService =>
    new RetentionService(fixture.config, only(id), templates, transitions, events);

  it('control: left alone, a workspace due for deletion is deleted by the pass (its home to the trash)', async () => {
    const id = await dueForDeletion();
    await pass(retention(id));
    expect((await drain(id)).map((b) => b.kind)).toEqual(['delete']);
    // The container is gone; the volume stays until the trash expires or is purged (README "Your data").
    expect(runtime.containers.has(id)).toBe(false);
    expect(runtime.volumes.has(id)).toBe(true);
    expect((await workspaces.findById(id))?.trashExpiresAt).toBeInstanceOf(Date);
  });

  it('retention delete vs the user starting it between the read and the delete: it survives, with its volume', async () => {
    const id = await dueForDeletion();
    runtime.volumes.get(id)!.files.set('work', 'kept');
    transitions.userActs = { workspaceId: id, act: () => userDoes(id, 'start') };
    await pass(retention(id));

    expect(transitions.userActs).toBeNull(); // the hook ran: the user started it inside the race window
    expect(transitions.answers).toEqual([null]);
    expect(await drain(id)).toEqual([]);
    expect(await workspaces.findById(id)).toMatchObject({ status: 'running', deletedAt: null, deletesAt: null });
    expect(runtime.volumes.get(id)?.files.get('work')).toBe('kept');
  });

  it('retention delete vs the user starting and stopping it again in that window: no longer due, it survives', async () => {
    const id = await dueForDeletion();
    transitions.userActs = {
      workspaceId: id,
      act: async () => {
        await userDoes(id, 'start');
        await userDoes(id, 'stop');
      },
    };
    await pass(retention(id));

    expect(transitions.answers).toEqual([null]);
    expect(await drain(id)).toEqual([]);
    expect(await workspaces.findById(id)).toMatchObject({ status: 'stopped', deletedAt: null, dormantAt: null });
    expect(runtime.volumes.has(id)).toBe(true);
  });

  /** A running workspace of a 1-minute idle template, last used (started) ten minutes ago. */
  const idleFor10Minutes = async (): Promise<string> => {
    const id = await newWorkspace({ image: 'berth/busybox:test', idleTimeoutMinutes: 1 });
    await userDoes(id, 'start');
    await prisma.build.updateMany({
      where: { workspaceId: id },
      data: {
        queuedAt: new Date(Date.now() - 11 * 60_000),
        startedAt: new Date(Date.now() - 11 * 60_000),
        finishedAt: new Date(Date.now() - 10 * 60_000),
      },
    });
    return id;
  };
  const idle = (id: string): IdleStopperService =>
    new IdleStopperService(fixture.config, only(id), templates, builds, transitions, events);

  it('control: left alone, an idle workspace is stopped by the pass', async () => {
    const id = await idleFor10Minutes();
    await pass(idle(id));
    expect((await drain(id)).map((b) => b.kind)).toEqual(['stop']);
    expect(await workspaces.findById(id)).toMatchObject({ status: 'stopped' });
  });

  it('an idle stop is built like a user request: a Build row with its reason, audited as acted by the system', async () => {
    const id = await idleFor10Minutes();
    await pass(idle(id));
    const [stop] = await drain(id);
    expect(stop).toMatchObject({ kind: 'stop', requestedById: null });
    expect(stop?.reason).toMatch(/^idle 1 min/);
    const audit = await prisma.auditEvent.findMany({ where: { targetId: id } });
    expect(audit).toEqual([
      expect.objectContaining({ via: 'system', actorId: null, action: 'workspaces.stop', outcome: 'success' }),
    ]);
    expect(audit[0]?.details).toEqual({ buildId: stop?.id, reason: stop?.reason });
  });

  it('idle stop vs fresh activity between the read and the stop: it keeps running', async () => {
    const id = await idleFor10Minutes();
    transitions.userActs = {
      workspaceId: id,
      act: () => workspaces.touchActivity(id, fixture.config.BERTH_ACTIVITY_RESOLUTION_MS),
    };
    await pass(idle(id));

    expect(transitions.userActs).toBeNull();
    expect(transitions.answers).toEqual([null]);
    expect(await drain(id)).toEqual([]);
    expect(await workspaces.findById(id)).toMatchObject({ status: 'running', stopReason: null });
    expect(runtime.containers.get(id)?.running).toBe(true);
  });

  it('idle stop vs the user restarting it in that window: no second transition, it keeps running', async () => {
    const id = await idleFor10Minutes();
    transitions.userActs = { workspaceId: id, act: () => userDoes(id, 'restart') };
    await pass(idle(id));

    expect(transitions.answers).toEqual([null]);
    expect(await drain(id)).toEqual([]);
    expect(await workspaces.findById(id)).toMatchObject({ status: 'running' });
  });
});
