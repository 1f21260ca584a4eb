import { BerthError, ErrorCode } from '#domain';
import { HandBack } from '../common/hand-back.js';
import { lifecycleFixture } from './lifecycle.fixture.js';

const engineAway = (): BerthError =>
  new BerthError(ErrorCode.Unavailable, 'the Docker engine is not reachable (ECONNREFUSED; creating the container)');

/**
 * How a build behaves when what it depends on goes away (fake runtime, real Postgres): it waits
 * out a short outage and resumes from actual state, fails with the reason after a long one, and
 * goes back to the queue (not failed) when the worker hands it back. Against real services:
 * test/faults/*.lab.spec.ts.
 */
describe('WorkspaceLifecycleService when things go away (fake runtime, real Postgres)', () => {
  // A short retry window so giving up is quick to see.
  // Its own database: a build handed back to `queued` must not be taken by the e2e worker's reaper.
  const fixture = lifecycleFixture({ BERTH_TRANSIENT_RETRY_MS: '2500' }, { ownDatabase: 'resilience' });
  const { builds, workspaces, newWorkspace, transition } = fixture;

  beforeAll(() => fixture.setUp());
  afterAll(() => fixture.tearDown());

  const logLines = async (buildId: string): Promise<string[]> => (await builds.logs(buildId)).map((l) => l.line);

  it('an engine that stays away: the build fails with the reason once the retry window is over', async () => {
    const runtime = fixture.runtime();
    const id = await newWorkspace({ image: 'berth/busybox:test' });
    runtime.failNext('ensureVolume', engineAway(), 100);
    const buildId = await transition(id, 'start');
    await fixture.service(runtime).run(buildId);

    const build = await builds.findById(buildId);
    expect(build).toMatchObject({ status: 'failed', errorCode: 'unavailable' });
    expect(build?.error).toMatch(/^the Docker engine is not reachable .*; gave up after 3 s of retries$/);
    expect(await workspaces.findById(id)).toMatchObject({ status: 'failed', lastError: build?.error });
    expect(runtime.containers.size).toBe(0);
  });

  it('a failure that is not an outage is not retried', async () => {
    const runtime = fixture.runtime();
    const id = await newWorkspace({ image: 'berth/busybox:test' });
    runtime.failNext('startContainer', new BerthError(ErrorCode.RuntimeFailure, 'port already allocated'));
    const buildId = await transition(id, 'start');
    await fixture.service(runtime).run(buildId);
    expect(await builds.findById(buildId)).toMatchObject({
      status: 'failed',
      errorCode: 'runtime_failure',
      error: 'port already allocated',
    });
    expect(runtime.calls.filter((c) => c.startsWith('startContainer'))).toHaveLength(1);
  });

  it('handed back by a stopping worker mid-script: the build is queued again, not failed; the next run completes it', async () => {
    const runtime = fixture.runtime();
    runtime.scriptDurations.set('long', 10_000);
    const id = await newWorkspace({ image: 'berth/busybox:test', startScript: 'long' });
    const buildId = await transition(id, 'start');
    const shutdown = new AbortController();
    // The worker starts shutting down exactly while the script runs (not after a guessed delay).
    const exec = runtime.exec.bind(runtime);
    runtime.exec = (...args) => {
      const running = exec(...args);
      shutdown.abort(new HandBack());
      return running;
    };
    await expect(fixture.service(runtime).run(buildId, shutdown.signal)).rejects.toBeInstanceOf(HandBack);
    runtime.exec = exec;
    // The script was interrupted, not waited for: it never logged its end.
    expect(await logLines(buildId)).not.toContain('ran: long');

    expect(await builds.findById(buildId)).toMatchObject({ status: 'queued', error: null });
    expect((await workspaces.findById(id))?.status).toBe('starting');
    expect(await logLines(buildId)).toContain(
      'the worker is shutting down; the build goes back to the queue for another worker; steps already done are checked, not redone',
    );

    runtime.scriptDurations.delete('long');
    await fixture.service(runtime).run(buildId);
    expect(await builds.findById(buildId)).toMatchObject({ status: 'succeeded' });
    expect(await workspaces.findById(id)).toMatchObject({ status: 'running' });
    expect(runtime.containers.size).toBe(1);
  });

  it('the workspace shows its final status only together with the end of its build', async () => {
    const runtime = fixture.runtime();
    const id = await newWorkspace({ image: 'berth/busybox:test' });
    const buildId = await transition(id, 'start');
    // Record the real repositories' writes: only transitional statuses may be set on their own;
    // the final one must come with the build's end, in one transaction.
    const statuses: string[] = [];
    const finishes: unknown[][] = [];
    const { setStatus } = workspaces;
    const { finish } = builds;
    workspaces.setStatus = (...args) => (statuses.push(args[1]), setStatus.apply(workspaces, args));
    builds.finish = (...args) => (finishes.push(args), finish.apply(builds, args));
    try {
      await fixture.service(runtime).run(buildId);
    } finally {
      workspaces.setStatus = setStatus;
      builds.finish = finish;
    }
    expect(statuses).toEqual(['starting']);
    expect(finishes).toEqual([[buildId, expect.objectContaining({ status: 'succeeded' }), { id, status: 'running' }]]);
    expect(await workspaces.findById(id)).toMatchObject({ status: 'running' });
  });
});

/**
 * A short outage is waited out. Its own, generous retry window: how long two retries take on a
 * loaded machine is not what this proves (the short window above is for giving up quickly).
 */
describe('WorkspaceLifecycleService when the engine is away for a moment (fake runtime, real Postgres)', () => {
  const fixture = lifecycleFixture({ BERTH_TRANSIENT_RETRY_MS: '120000' }, { ownDatabase: 'resilience_short' });
  const { builds, workspaces, newWorkspace, transition } = fixture;

  beforeAll(() => fixture.setUp());
  afterAll(() => fixture.tearDown());

  const logLines = async (buildId: string): Promise<string[]> => (await builds.logs(buildId)).map((l) => l.line);

  it('an engine away for a moment: the build waits, tries again from actual state, and completes; the script runs once', async () => {
    const runtime = fixture.runtime();
    const id = await newWorkspace({ image: 'berth/busybox:test', startScript: 'hello' });
    runtime.failNext('startContainer', engineAway(), 2);
    const buildId = await transition(id, 'start');
    await fixture.service(runtime).run(buildId);

    expect(await builds.findById(buildId)).toMatchObject({ status: 'succeeded' });
    expect(await workspaces.findById(id)).toMatchObject({ status: 'running', lastError: null });
    expect(runtime.calls.filter((c) => c.startsWith('startContainer'))).toHaveLength(3);
    expect(runtime.calls.filter((c) => c.startsWith('exec'))).toHaveLength(1);
    expect(runtime.containers.size).toBe(1);
    expect((await logLines(buildId)).filter((l) => /not reachable .*; trying again in/.test(l))).toHaveLength(2);
  });
});
