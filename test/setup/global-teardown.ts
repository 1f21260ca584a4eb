import Docker from 'dockerode';
import { testEnv } from './test-env.js';

/** Stops the API, the worker and the test IdP, then removes whatever test workspaces a failed test left behind. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.berth?.stop();
  await globalThis.berthIdp?.close();
  // Only objects labelled as this test instance's: a Berth started with `npm run up` is untouched.
  const docker = new Docker();
  const filters = { label: ['berth.managed=true', `berth.instance=${testEnv().BERTH_INSTANCE ?? 'test'}`] };
  for (const c of await docker.listContainers({ all: true, filters })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  const { Volumes } = await docker.listVolumes({ filters });
  for (const v of Volumes ?? []) await docker.getVolume(v.Name).remove().catch(() => undefined);
}
