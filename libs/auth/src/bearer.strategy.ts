import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { BerthError, ErrorCode } from '#domain';
import { TokensRepository } from '#persistence';
import { toAuthenticatedUser, type AuthenticatedUser } from './authenticated-user.js';
import { hashToken } from './token-secret.js';

@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(private readonly tokens: TokensRepository) {
    super();
  }

  /** Looked up on every request, so a revocation or deactivation takes effect at once. */
  async validate(token: string): Promise<AuthenticatedUser> {
    const found = await this.tokens.findUsableByHash(hashToken(token), new Date());
    if (!found?.user.active) throw new BerthError(ErrorCode.Unauthenticated, 'invalid, expired or revoked token');
    await this.tokens.touch(found.id);
    return toAuthenticatedUser(found.user, 'token', { id: found.id, scopes: found.scopes });
  }
}
