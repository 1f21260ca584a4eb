import * as client from 'openid-client';
import { configSchema } from '#config';
import { loadOidcSettings } from './oidc-settings.js';

/** A stand-in for openid-client's discovery() that records what it was asked. */
function fakeDiscovery(): { discover: typeof client.discovery; calls: { url: string; execute: unknown[] }[] } {
  const calls: { url: string; execute: unknown[] }[] = [];
  const discover = ((url: URL, _id: string, _m: unknown, _auth: unknown, options?: client.DiscoveryRequestOptions) => {
    calls.push({ url: url.href, execute: options?.execute ?? [] });
    return Promise.resolve({ serverMetadata: () => ({ issuer: url.href.replace(/\/$/, '') }) });
  }) as unknown as typeof client.discovery;
  return { discover, calls };
}

const config = (env: Record<string, string>) =>
  configSchema.parse({
    BERTH_OIDC_CLIENT_ID: 'berth',
    BERTH_OIDC_CLIENT_SECRET: 'secret',
    BERTH_PUBLIC_URL: 'https://berth.example.com/',
    ...env,
  });

describe('loadOidcSettings', () => {
  it('is off without an issuer, and discovers nothing', async () => {
    const { discover, calls } = fakeDiscovery();
    expect(await loadOidcSettings(configSchema.parse({}), discover)).toEqual({ enabled: false });
    expect(calls).toEqual([]);
  });

  it('needs the client id, secret and public URL once an issuer is set', async () => {
    const { discover } = fakeDiscovery();
    await expect(
      loadOidcSettings(configSchema.parse({ BERTH_OIDC_ISSUER: 'https://idp.example.com' }), discover),
    ).rejects.toThrow(/BERTH_OIDC_CLIENT_ID, BERTH_OIDC_CLIENT_SECRET, BERTH_PUBLIC_URL are not/);
  });

  it('refuses plain http unless the issuer is on a loopback address', async () => {
    const { discover, calls } = fakeDiscovery();
    await expect(loadOidcSettings(config({ BERTH_OIDC_ISSUER: 'http://idp.example.com' }), discover)).rejects.toThrow(
      /must use https/,
    );
    await expect(loadOidcSettings(config({ BERTH_OIDC_ISSUER: 'http://localhost:9000' }), discover)).rejects.toThrow(
      /must use https/,
    );
    expect(calls).toEqual([]);
  });

  it('allows insecure requests for a loopback http issuer only', async () => {
    const { discover, calls } = fakeDiscovery();
    await loadOidcSettings(config({ BERTH_OIDC_ISSUER: 'http://127.0.0.1:9000' }), discover);
    await loadOidcSettings(config({ BERTH_OIDC_ISSUER: 'https://idp.example.com' }), discover);
    expect(calls).toEqual([
      { url: 'http://127.0.0.1:9000/', execute: [client.allowInsecureRequests] },
      { url: 'https://idp.example.com/', execute: [] },
    ]);
  });

  it('derives the redirect URI from BERTH_PUBLIC_URL and asks for groups only with an admin group', async () => {
    const { discover } = fakeDiscovery();
    const plain = await loadOidcSettings(
      config({ BERTH_OIDC_ISSUER: 'https://idp.example.com', BERTH_OIDC_ALLOWED_DOMAINS: 'Example.com' }),
      discover,
    );
    expect(plain).toMatchObject({
      enabled: true,
      callbackUrl: 'https://berth.example.com/api/v1/auth/oidc/callback',
      scope: 'openid email profile',
      allowedDomains: ['example.com'],
      adminGroup: undefined,
    });
    const withAdmins = await loadOidcSettings(
      config({
        BERTH_OIDC_ISSUER: 'https://idp.example.com',
        BERTH_OIDC_ADMIN_GROUP: 'ops',
        BERTH_PUBLIC_URL: 'https://h.example.com/berth',
      }),
      discover,
    );
    expect(withAdmins).toMatchObject({
      callbackUrl: 'https://h.example.com/berth/api/v1/auth/oidc/callback',
      scope: 'openid email profile groups',
      adminGroup: 'ops',
    });
  });

  it('names the issuer when discovery fails', async () => {
    const failing = (() => Promise.reject(new Error('connect ECONNREFUSED'))) as unknown as typeof client.discovery;
    await expect(loadOidcSettings(config({ BERTH_OIDC_ISSUER: 'https://idp.example.com' }), failing)).rejects.toThrow(
      'single sign-on: cannot discover the issuer https://idp.example.com/: connect ECONNREFUSED',
    );
  });
});
