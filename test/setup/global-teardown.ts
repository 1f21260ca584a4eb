import { removeInstanceObjects } from '#testing';
import { testEnv } from './test-env.js';

/** Stops the API, the worker and the test IdP, then removes whatever test workspaces a failed test left behind. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.berth?.stop();
  await globalThis.berthIdp?.close();
  // Only objects labelled as this test instance's: a Berth started with `npm run up` is untouched.
  await removeInstanceObjects(testEnv().BERTH_INSTANCE ?? 'test');
}
