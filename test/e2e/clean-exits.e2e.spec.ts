import WebSocket from 'ws';
import { ApiClient, containersOf, dockerExec, TestContext, testBaseUrl, testDocker, waitFor } from '#testing';

/** Processes in the workspace container whose command line holds `marker`. */
async function processesWith(workspaceId: string, marker: string): Promise<string[]> {
  const container = (await containersOf(workspaceId))[0]!.Id;
  const ps = await dockerExec(container, ['ps', '-o', 'pid,args']);
  return ps.split('\n').filter((l) => l.includes(marker) && !l.includes('ps -o'));
}

/** Runs a name lookup from inside a workspace through the network's DNS; true when it resolved. */
async function resolves(fromWorkspaceId: string, name: string): Promise<boolean> {
  const container = (await containersOf(fromWorkspaceId))[0]!.Id;
  const out = await dockerExec(container, ['sh', '-c', `nslookup ${name} >/dev/null 2>&1 && echo yes || echo no`]);
  return out.trim() === 'yes';
}

/**
 * Clean exits and names (issue 13): closing a terminal ends its shell and everything it started,
 * and nothing on the shared workspace network carries a workspace's name.
 */
describe('clean exits: terminal close, names on the workspace network (real Docker)', () => {
  let ctx: TestContext;
  let alice: ApiClient;
  let bob: ApiClient;
  let aliceWs: { id: string; name: string };
  let bobWs: { id: string; name: string };
  const origin = new URL(testBaseUrl()).origin;

  beforeAll(async () => {
    ctx = await TestContext.create();
    ({ client: alice } = await ctx.newUser());
    ({ client: bob } = await ctx.newUser());
    const { id: templateId } = await ctx.newTemplate({}, { prefix: 'exits' });
    aliceWs = await ctx.newWorkspace({ owner: alice, templateId, prefix: 'alice-secret' });
    bobWs = await ctx.newWorkspace({ owner: bob, templateId, prefix: 'bob-probe' });
    await alice.waitForStatus(aliceWs.id, 'running');
    await bob.waitForStatus(bobWs.id, 'running');
  });

  afterAll(() => ctx.cleanup());

  it('closing the terminal ends its shell, its jobs and their children in the container', async () => {
    const url = `${testBaseUrl().replace('http', 'ws')}/api/v1/workspaces/${aliceWs.id}/terminal?cols=80&rows=24`;
    const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${alice.token}`, Origin: origin } });
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => resolve());
      ws.on('error', reject);
    });
    // A foreground child and a background job of the shell.
    ws.send(JSON.stringify({ type: 'input', data: 'sleep 321 & sleep 322\n' }));
    await waitFor(
      () => processesWith(aliceWs.id, 'sleep 32'),
      (found) => found.length === 2,
      'the terminal commands to run',
      10_000,
    );
    ws.close();
    await waitFor(
      () => processesWith(aliceWs.id, 'sleep 32'),
      (found) => found.length === 0,
      'the closed terminal to leave nothing running',
      10_000,
    );
    // The login shell itself is gone too: only the container's own command remains besides ps.
    const left = await processesWith(aliceWs.id, 'sh -l');
    expect(left).toEqual([]);
  });

  it("a workspace cannot resolve another user's workspace name through the network DNS", async () => {
    // The hostname and container name come from the id, never from the workspace name.
    const inspected = await testDocker()
      .getContainer((await containersOf(aliceWs.id))[0]!.Id)
      .inspect();
    expect(inspected.Config.Hostname).not.toContain(aliceWs.name);
    expect(inspected.Name).not.toContain(aliceWs.name);
    // The probe itself works: bob's workspace resolves its own container name through that DNS.
    expect(await resolves(bobWs.id, `berth-ws-${bobWs.id}`)).toBe(true);
    expect(await resolves(bobWs.id, aliceWs.name)).toBe(false);
  });
});
