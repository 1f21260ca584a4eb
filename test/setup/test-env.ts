/**
 * The environment every test process (and the API and worker the e2e suite starts) runs with.
 * Its own database, queue prefix, Docker label value, network and port keep a test run apart
 * from a Berth started with `npm run up` on the same machine.
 */
export function testEnv(): Record<string, string> {
  return {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: process.env.BERTH_TEST_PORT ?? '18080',
    // The SSH gateway: next to the API's port unless given (helpers share a machine).
    BERTH_SSH_PORT: process.env.BERTH_TEST_SSH_PORT ?? String(Number(process.env.BERTH_TEST_PORT ?? '18080') + 2),
    DATABASE_URL: process.env.BERTH_TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/berth_test',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    BERTH_INSTANCE: process.env.BERTH_TEST_INSTANCE ?? 'test',
    BERTH_WORKSPACE_NETWORK: `berth-${process.env.BERTH_TEST_INSTANCE ?? 'test'}-workspaces`,
    BERTH_DATA_DIR: '.berth/test',
    BERTH_ADMIN_EMAIL: 'admin@berth.test',
    BERTH_ADMIN_PASSWORD: 'admin-password-for-tests',
    BERTH_SESSION_SECRET: 'test-session-secret-0123456789abcdef',
    BERTH_DEFAULT_IMAGE: 'berth/busybox:test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // Many suites sign the admin in; the throttling test uses an address of its own and this limit.
    BERTH_LOGIN_LIMIT: '30',
    // Failed sign-ins per address: the client-address test spends this from 127.0.0.3 (its own).
    BERTH_LOGIN_ADDRESS_LIMIT: '100',
    BERTH_LOGIN_DELAY_MAX_MS: '100',
    // 127.0.0.2 plays the reverse proxy in the client-address test; 127.0.0.1 is a direct client.
    BERTH_TRUSTED_PROXIES: '127.0.0.2/32',
    // Local images, the test registry and the closed loopback port of the pull-failure test.
    BERTH_IMAGE_ALLOWLIST: 'berth/*,127.0.0.1:5000/*,127.0.0.1:5999/*',
    // Fast control loops, so fault tests see the system converge within seconds.
    BERTH_RECONCILE_INTERVAL_MS: '1000',
    BERTH_REAPER_INTERVAL_MS: '1000',
    BERTH_BUILD_HEARTBEAT_TIMEOUT_MS: '12000',
    BERTH_QUEUED_BUILD_GRACE_MS: '3000',
    BERTH_ACTIVITY_RESOLUTION_MS: '1000',
    BERTH_HOME_USAGE_INTERVAL_MS: '5000',
    // The snapshot schedule's tick; templates with a schedule of seconds show it within a test.
    BERTH_SNAPSHOT_TICK_MS: '500',
  };
}

/**
 * Single sign-on against the test IdP (test/setup/oidc-idp.ts), which listens on a free port of
 * 127.0.0.1 and must be up before the API starts: the API discovers the issuer at boot.
 */
export function oidcTestEnv(issuer: string, client: { id: string; secret: string }): Record<string, string> {
  return {
    BERTH_PUBLIC_URL: `http://127.0.0.1:${testEnv().PORT}`,
    BERTH_OIDC_ISSUER: issuer,
    BERTH_OIDC_CLIENT_ID: client.id,
    BERTH_OIDC_CLIENT_SECRET: client.secret,
    BERTH_OIDC_ALLOWED_DOMAINS: 'example.com',
    BERTH_OIDC_ADMIN_GROUP: 'berth-admins',
  };
}
