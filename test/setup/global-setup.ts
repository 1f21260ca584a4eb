import { startBerth, type RunningBerth } from '#testing';
import { testEnv } from './test-env.js';

declare global {
  var berth: RunningBerth | undefined;
}

/**
 * Starts the real API and worker (compiled, as `npm run up` runs them) against the test database,
 * Redis and Docker. Tests talk to them over HTTP only.
 */
export default async function globalSetup(): Promise<void> {
  Object.assign(process.env, testEnv());
  globalThis.berth = await startBerth(testEnv());
}
