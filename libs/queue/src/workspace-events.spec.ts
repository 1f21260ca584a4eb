import { randomUUID } from 'node:crypto';
import { configSchema } from '#config';
import { waitFor } from '#testing';
import { testEnv } from '../../../test/setup/test-env.js';
import { WorkspaceEventsPublisher, WorkspaceEventsSubscriber, type WorkspaceEvent } from './workspace-events.js';

describe('workspace events fan-out (real Redis)', () => {
  // An instance of its own, so the e2e suite's API and worker never see these events.
  const config = configSchema.parse({ ...testEnv(), BERTH_INSTANCE: `events-${randomUUID().slice(0, 8)}` });
  const publisher = new WorkspaceEventsPublisher(config);
  const subscriber = new WorkspaceEventsSubscriber(config);

  afterAll(async () => {
    await subscriber.onApplicationShutdown();
    await publisher.onApplicationShutdown();
  });

  it('hands each event to the watchers of its workspace only, and forgets a workspace nobody watches', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const seen = { a1: [] as WorkspaceEvent[], a2: [] as WorkspaceEvent[], b: [] as WorkspaceEvent[] };
    const subs = [
      subscriber.forWorkspace(a).subscribe((e) => seen.a1.push(e)),
      subscriber.forWorkspace(a).subscribe((e) => seen.a2.push(e)),
      subscriber.forWorkspace(b).subscribe((e) => seen.b.push(e)),
    ];
    expect(subscriber.watchedWorkspaces).toBe(2);
    await subscriber.ready;
    publisher.publish({ workspaceId: a, type: 'status', status: 'starting', lastError: null });
    publisher.publish({ workspaceId: b, type: 'status', status: 'stopping', lastError: null });
    publisher.publish({ workspaceId: a, type: 'status', status: 'running', lastError: null });
    await waitFor(
      () => Promise.resolve(seen.a1.length + seen.a2.length + seen.b.length),
      (n) => n === 5,
      'five deliveries',
      5000,
      10,
    );
    const statuses = (events: WorkspaceEvent[]) => events.map((e) => (e.type === 'status' ? e.status : e.type));
    expect(statuses(seen.a1)).toEqual(['starting', 'running']);
    expect(statuses(seen.a2)).toEqual(['starting', 'running']);
    expect(statuses(seen.b)).toEqual(['stopping']);
    subs[0]?.unsubscribe();
    expect(subscriber.watchedWorkspaces).toBe(2); // a still has a watcher
    subs[1]?.unsubscribe();
    subs[2]?.unsubscribe();
    expect(subscriber.watchedWorkspaces).toBe(0);
  });
});
