import http from 'node:http';
import { ApiClient, containersOf, dockerExec, TestContext, testBaseUrl, waitFor } from '#testing';

/** Processes in the workspace container whose command line holds `marker`. */
async function processesWith(workspaceId: string, marker: string): Promise<string[]> {
  const container = (await containersOf(workspaceId))[0]!.Id;
  const ps = await dockerExec(container, ['ps', '-o', 'pid,args']);
  return ps.split('\n').filter((l) => l.includes(marker) && !l.includes('ps -o'));
}

/** Starts an exec over a raw connection and returns a function that drops the connection. */
function startAbandonedExec(token: string, workspaceId: string, command: string[]): () => void {
  const body = JSON.stringify({ command, timeoutSeconds: 600 });
  const req = http.request(`${testBaseUrl()}/api/v1/workspaces/${workspaceId}/exec`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
  });
  req.on('error', () => undefined);
  req.end(body);
  return () => req.destroy();
}

/**
 * Hostile output through exec (issue 13): one reader with linear cost per chunk, a line cap and an
 * output cap with markers; the command is ended at its time limit and when its client goes away.
 */
describe('bounded streams: exec output, time limit, abandoned exec (real Docker)', () => {
  let ctx: TestContext;
  let owner: ApiClient;
  let workspaceId: string;

  beforeAll(async () => {
    ctx = await TestContext.create();
    ({ client: owner } = await ctx.newUser());
    const { id: templateId } = await ctx.newTemplate({}, { prefix: 'streams' });
    ({ id: workspaceId } = await ctx.newWorkspace({ owner, templateId, prefix: 'streams', status: 'running' }));
  });

  afterAll(() => ctx.cleanup());

  it('30 MB without a newline comes back capped and marked, and other routes answer meanwhile', async () => {
    let execDone = false;
    const exec = owner
      .post(`/workspaces/${workspaceId}/exec`, {
        // The output first, then a pause: the routes must answer while the exec is still in flight.
        command: ['sh', '-c', 'head -c 31457280 /dev/zero | tr "\\000" x; echo; echo tail >&2; sleep 3'],
        timeoutSeconds: 300,
      })
      .then((res) => {
        execDone = true;
        return res;
      });
    let healthyWhileRunning = 0;
    for (let i = 0; i < 5; i += 1) {
      const health = await ctx.admin.root('/healthz');
      if (health.status === 200 && !execDone) healthyWhileRunning += 1;
    }
    const res = await exec;
    expect(healthyWhileRunning).toBe(5);
    expect(res.status).toBe(200);
    const body = res.body as { exitCode: number; stdout: string; stderr: string; truncated: boolean };
    expect(body.exitCode).toBe(0);
    expect(body.truncated).toBe(true);
    expect(body.stderr).toBe('tail\n');
    const lines = body.stdout.split('\n');
    // Compared by shape, not by value: a failure must not print 16 kB of x.
    expect(lines[0]!.length).toBe(16_384 + ' [line split at 16384 bytes]'.length);
    expect(lines[0]!.endsWith('x [line split at 16384 bytes]')).toBe(true);
    expect(lines.at(-2)).toBe('[output truncated after 1048576 bytes]');
    expect(Buffer.byteLength(body.stdout)).toBeLessThan(1_048_576 + 64 * 40);
  });

  it('an exec past its time limit is refused and its process is ended in the container', async () => {
    const res = await owner.post(`/workspaces/${workspaceId}/exec`, {
      command: ['sh', '-c', 'sleep 311; echo never'],
      timeoutSeconds: 1,
    });
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(String((res.body as { detail: string }).detail)).toMatch(/timed out after 1 s/);
    await waitFor(
      () => processesWith(workspaceId, 'sleep 311'),
      (found) => found.length === 0,
      'the timed-out command to be ended',
      10_000,
    );
  });

  it('an exec whose client goes away is ended in the container, children included', async () => {
    const drop = startAbandonedExec(owner.token, workspaceId, ['sh', '-c', 'sleep 412 & sleep 413; wait']);
    await waitFor(
      // Its own numbers: a leftover of the test above (`sleep 311`) must not count here.
      () => processesWith(workspaceId, 'sleep 41'),
      (found) => found.length >= 2,
      'the exec to be running',
      10_000,
    );
    drop();
    await waitFor(
      () => processesWith(workspaceId, 'sleep 41'),
      (found) => found.length === 0,
      'the abandoned command and its child to be ended',
      10_000,
    );
  });
});
