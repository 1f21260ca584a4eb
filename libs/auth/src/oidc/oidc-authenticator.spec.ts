import { type Request, type Response } from 'express';
import { BerthError, ErrorCode } from '#domain';
import { OidcAuthenticator } from './oidc-authenticator.js';

describe('OidcAuthenticator without BERTH_OIDC_ISSUER', () => {
  const oidc = new OidcAuthenticator({ enabled: false });
  const req = {} as Request;
  const res = {} as Response;

  it('tells the portal single sign-on is off', () => {
    expect(oidc.describe()).toEqual({ enabled: false });
  });

  it('answers 404 (not_found) on both routes, before touching the request', () => {
    const thrown = (run: () => unknown): unknown => {
      try {
        run();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    for (const route of [() => oidc.redirectToIdp(req, res), () => oidc.completeLogin(req, res)]) {
      const error = thrown(route);
      expect(error).toBeInstanceOf(BerthError);
      expect(error).toMatchObject({
        code: ErrorCode.NotFound,
        message: 'single sign-on is not configured on this server',
      });
    }
  });
});
