import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiFoundResponse, ApiTags } from '@nestjs/swagger';
import { type Request, type Response } from 'express';
import { OidcAuthenticator } from '#auth';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { OidcLoginService } from './oidc/oidc-login.service.js';
import { startSession } from './oidc/start-session.js';
import { Operation } from '../common/api-operation.js';

export interface AuthProvidersView {
  password: true;
  oidc: { enabled: boolean; loginUrl?: string };
}

/**
 * Single sign-on (OpenID Connect, authorization code + PKCE). The IdP must list
 * `<BERTH_PUBLIC_URL>/api/v1/auth/oidc/callback` as a redirect URI. Without BERTH_OIDC_ISSUER
 * both oidc routes answer 404.
 */
@ApiTags('auth')
@Controller('auth')
export class OidcController {
  constructor(
    private readonly oidc: OidcAuthenticator,
    private readonly logins: OidcLoginService,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  /** Which sign-in methods the portal should offer. */
  @Operation({
    id: 'getAuthProviders',
    summary: 'Which sign-in methods are offered',
    status: 200,
    returns: 'AuthProviders',
  })
  @Get('providers')
  providers(): AuthProvidersView {
    return { password: true, oidc: this.oidc.describe() };
  }
  @Operation({
    id: 'startOidcLogin',
    summary: 'Go to the identity provider (single sign-on)',
    status: 302,
    returns: 'redirect',
    errors: [404],
  })
  @Get('oidc/login')
  @ApiFoundResponse({ description: 'redirect to the identity provider' })
  async login(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.oidc.redirectToIdp(req, res);
  }

  /** The IdP sends the browser back here; success starts a session and goes to the portal. */
  @Operation({
    id: 'finishOidcLogin',
    summary: 'Come back from the identity provider',
    status: 302,
    returns: 'redirect',
    errors: [401, 404],
  })
  @Get('oidc/callback')
  @ApiFoundResponse({ description: 'signed in; redirect to the portal' })
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const user = await this.logins.signIn(await this.oidc.completeLogin(req, res), req.ip ?? null);
    await startSession(req, res, user, this.config);
    res.redirect(302, '/');
  }
}
