import { type ApiClient, TestContext, waitFor } from '#testing';

interface Snapshot {
  id: string;
  kind: string;
  status: string;
  takenBy: string;
  createdById: string | null;
  error: string | null;
}
interface AuditRow {
  action: string;
  outcome: string;
  actorId: string | null;
  details: Record<string, unknown>;
}

/**
 * The per-template snapshot schedule (README "Your data") on the real engine, store and queue:
 * the worker's one job scheduler (BERTH_SNAPSHOT_TICK_MS, 500 ms in tests) takes scheduled
 * snapshots of a workspace whose template says `snapshots: { schedule: '2s', keep: 2 }`, keeps
 * the newest two and never prunes a manual one; a full snapshot storage fails the scheduled one
 * with the quota's reason and the workspace carries on. Nothing here asserts a duration.
 */
describe('snapshot schedule (real Docker, local store, BullMQ job scheduler)', () => {
  let ctx: TestContext;
  let templateId: string;

  const snapshotsOf = async (client: ApiClient, id: string): Promise<Snapshot[]> =>
    ((await client.get(`/workspaces/${id}/snapshots`)).body as { items: Snapshot[] }).items;
  const auditOf = async (action: string, id: string): Promise<AuditRow[]> =>
    ((await ctx.admin.get(`/audit?action=${action}&targetId=${id}`)).body as { events: AuditRow[] }).events;

  beforeAll(async () => {
    ctx = await TestContext.create();
    templateId = (await ctx.newTemplate({ snapshots: { schedule: '2s', keep: 2 } }, { prefix: 'sched' })).id;
  });
  afterAll(() => ctx.cleanup());

  it('refuses a schedule it cannot read, naming the field', async () => {
    const res = await ctx.admin.post('/templates', {
      name: `bad-sched-${Date.now()}`,
      spec: { image: 'berth/busybox:test', snapshots: { schedule: 'sometimes', keep: 2 } },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('snapshots.schedule');
  });

  it('takes scheduled snapshots, keeps the newest `keep`, and leaves manual ones alone', async () => {
    const ws = await ctx.newWorkspace({ templateId, status: 'running', prefix: 'sched' });
    // A request while a scheduled one is being written answers that one: ask until it is ours.
    const manual = await waitFor(
      async () => {
        const res = await ws.owner.post(`/workspaces/${ws.id}/snapshots`);
        expect(res.status).toBe(202);
        return (await ws.owner.get(`/workspaces/${ws.id}/snapshots/${(res.body as { id: string }).id}`))
          .body as Snapshot;
      },
      (s) => s.kind === 'manual',
      'a manual snapshot between scheduled ones',
    );
    const manualId = manual.id;

    // Watch the list until three scheduled snapshots have been seen and the oldest has been pruned.
    const seen: string[] = [];
    const settled = await waitFor(
      async () => {
        const list = await snapshotsOf(ws.owner, ws.id);
        for (const s of list.filter((x) => x.kind === 'scheduled').reverse()) if (!seen.includes(s.id)) seen.push(s.id);
        return list;
      },
      (list) => {
        const ready = list.filter((s) => s.kind === 'scheduled' && s.status === 'ready');
        return seen.length >= 3 && ready.length === 2 && !list.some((s) => s.id === seen[0]);
      },
      'three scheduled snapshots, the oldest pruned',
      180_000,
    );

    const scheduled = settled.filter((s) => s.kind === 'scheduled');
    expect(scheduled.filter((s) => s.status === 'ready')).toHaveLength(2);
    for (const s of scheduled) expect(s).toMatchObject({ takenBy: 'schedule', createdById: null });
    // The manual one, older than every scheduled one, is still there.
    expect(settled.find((s) => s.id === manualId)).toMatchObject({ kind: 'manual', status: 'ready', takenBy: 'user' });

    const requested = await auditOf('snapshots.scheduled', ws.id);
    expect(requested.length).toBeGreaterThanOrEqual(3);
    expect(requested[0]).toMatchObject({ outcome: 'success', actorId: null, details: { takenBy: 'schedule' } });
    const pruned = await auditOf('snapshots.pruned', ws.id);
    expect(pruned.length).toBeGreaterThanOrEqual(1);
    expect((pruned.flatMap((p) => p.details.snapshotIds) as string[]).includes(seen[0]!)).toBe(true);
    expect(pruned.flatMap((p) => p.details.snapshotIds)).not.toContain(manualId);
  });

  it('a full snapshot storage fails the scheduled snapshot with its reason, and nothing else breaks', async () => {
    const owner = await ctx.newUser();
    expect((await ctx.admin.patch(`/users/${owner.id}`, { quota: { maxSnapshotMb: 0 } })).status).toBe(200);
    const ws = await ctx.newWorkspace({ owner: owner.client, templateId, status: 'running', prefix: 'schedq' });

    const failed = await waitFor(
      async () => (await snapshotsOf(owner.client, ws.id)).find((s) => s.kind === 'scheduled' && s.status === 'failed'),
      (s) => s !== undefined,
      'a scheduled snapshot refused by the quota',
      120_000,
    );
    expect(failed!.error).toMatch(/^scheduled snapshot not taken: snapshot storage is full: .* of 0 MiB/);
    const refusals = await waitFor(
      () => auditOf('snapshots.scheduled', ws.id),
      (rows) => rows.some((r) => r.outcome === 'failure'),
      'the refusal audit row',
    );
    expect(refusals.find((r) => r.outcome === 'failure')!.details.reason).toContain('snapshot storage is full');
    // Never a ready one, and the workspace still stops and starts as usual.
    expect((await snapshotsOf(owner.client, ws.id)).some((s) => s.status === 'ready')).toBe(false);
    expect((await owner.client.post(`/workspaces/${ws.id}/stop`)).status).toBe(202);
    await owner.client.waitForStatus(ws.id, 'stopped');
    expect((await owner.client.post(`/workspaces/${ws.id}/start`)).status).toBe(202);
    await owner.client.waitForStatus(ws.id, 'running');
  });
});
