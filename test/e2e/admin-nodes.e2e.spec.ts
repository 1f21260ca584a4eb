import { TestContext } from '#testing';
import { testEnv } from '../setup/test-env.js';

interface NodeView {
  id: string;
  hostname: string;
  state: string;
  cordoned: boolean;
  cordonReason: string | null;
  nanoCpus: number;
  memoryBytes: number;
  workspaces: number;
  running: number;
  hardening: string;
}

/**
 * GET /admin/nodes and cordon, on whichever runtime the suite runs (BERTH_TEST_RUNTIME): one
 * Docker engine is one node that cannot be cordoned; a swarm's node is cordoned for real, and a
 * workspace start is then refused with a message, until it is uncordoned.
 */
describe('admin nodes (real engine)', () => {
  let ctx: TestContext;
  const swarm = testEnv().BERTH_RUNTIME === 'swarm';

  beforeAll(async () => {
    ctx = await TestContext.create();
  });
  afterAll(async () => {
    await ctx.cleanup();
  });

  const nodes = async (): Promise<NodeView[]> => {
    const res = await ctx.admin.get('/admin/nodes');
    expect(res.status).toBe(200);
    return res.body as NodeView[];
  };

  it('lists the nodes with capacity, workspaces and health, to admins only', async () => {
    const ws = await ctx.newWorkspace({ status: 'running' });
    const listed = await nodes();
    expect(listed.length).toBeGreaterThanOrEqual(1);
    for (const node of listed) {
      expect(node).toMatchObject({
        state: 'ready',
        cordoned: false,
        hardening: expect.stringMatching(/^(ok|refused|unchecked)$/) as string,
      });
      expect(node.nanoCpus).toBeGreaterThan(0);
      expect(node.memoryBytes).toBeGreaterThan(0);
    }
    expect(listed.reduce((sum, n) => sum + n.running, 0)).toBeGreaterThanOrEqual(1);
    const developer = (await ctx.newUser()).client;
    expect((await developer.get('/admin/nodes')).status).toBe(403);
    expect((await developer.post(`/admin/nodes/${listed[0]!.id}/cordon`, {})).status).toBe(403);
    expect(ws.id).toBeTruthy();
  });

  it('cordon: an unknown node is 404, bad input 400, and nothing changes', async () => {
    const before = await nodes();
    const unknown = await ctx.admin.post('/admin/nodes/no-such-node/cordon', { reason: 'x' });
    expect(unknown.status).toBe(swarm ? 404 : 409);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    const bad = await ctx.admin.post(`/admin/nodes/${before[0]!.id}/cordon`, { reason: 'x'.repeat(201) });
    expect(bad.status).toBe(400);
    const extra = await ctx.admin.post(`/admin/nodes/${before[0]!.id}/cordon`, { force: true });
    expect(extra.status).toBe(400);
    expect(await nodes()).toEqual(before);
  });

  it(
    swarm
      ? 'a cordoned node takes no new workspace, with the reason; uncordoned, it does'
      : 'one engine cannot be cordoned (409)',
    async () => {
      const [node] = await nodes();
      const cordon = await ctx.admin.post(`/admin/nodes/${node!.id}/cordon`, { reason: 'disk check' });
      if (!swarm) {
        expect(cordon.status).toBe(409);
        expect((cordon.body as { detail: string }).detail).toContain('BERTH_RUNTIME=swarm');
        return;
      }
      let refused: { id: string; owner: TestContext['admin'] } | null = null;
      try {
        expect(cordon.status).toBe(200);
        expect(cordon.body).toMatchObject({ id: node!.id, cordoned: true, cordonReason: 'disk check' });
        const ws = await ctx.newWorkspace();
        refused = ws;
        const failed = await ws.owner.get(`/workspaces/${ws.id}?waitFor=failed&timeout=60`);
        expect(failed.body).toMatchObject({
          status: 'failed',
          lastError: expect.stringContaining('no node can run the workspace') as string,
        });
      } finally {
        const uncordon = await ctx.admin.post(`/admin/nodes/${node!.id}/uncordon`);
        expect(uncordon.status).toBe(200);
        expect(uncordon.body).toMatchObject({ cordoned: false, cordonReason: null });
      }
      // Uncordoned, the same workspace starts.
      expect((await refused.owner.post(`/workspaces/${refused.id}/start`)).status).toBe(202);
      await refused.owner.waitForStatus(refused.id, 'running');
    },
  );
});
