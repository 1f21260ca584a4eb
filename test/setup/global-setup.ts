import { startBerth, type RunningBerth } from '#testing';
import { IDP_CLIENT } from './oidc-accounts.js';
import { startIdp, type RunningIdp } from './oidc-idp.js';
import { oidcTestEnv, testEnv } from './test-env.js';

declare global {
  var berth: RunningBerth | undefined;
  var berthIdp: RunningIdp | undefined;
}

/**
 * Starts the real API and worker (compiled, as `npm run up` runs them) against the test database,
 * Redis and Docker. Tests talk to them over HTTP only. A test OpenID Provider starts first: the
 * API discovers it at boot (single sign-on tests, test/e2e/oidc.e2e.spec.ts).
 */
export default async function globalSetup(): Promise<void> {
  globalThis.berthIdp = await startIdp(`http://127.0.0.1:${testEnv().PORT}/api/v1/auth/oidc/callback`);
  const env = { ...testEnv(), ...oidcTestEnv(globalThis.berthIdp.issuer, IDP_CLIENT) };
  // Test workers inherit this process's environment, so they see the IdP's address too.
  Object.assign(process.env, env);
  globalThis.berth = await startBerth(env);
}
