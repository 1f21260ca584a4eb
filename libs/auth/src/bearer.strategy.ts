import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { BerthError, ErrorCode } from '#domain';
import { type AuthenticatedUser } from './authenticated-user.js';
import { TokenVerifier } from './token-verifier.js';

@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(private readonly verifier: TokenVerifier) {
    super();
  }

  /** A revocation or deactivation takes effect at once: it evicts the cached verdict everywhere. */
  async validate(token: string): Promise<AuthenticatedUser> {
    const user = await this.verifier.verify(token);
    if (!user) throw new BerthError(ErrorCode.Unauthenticated, 'invalid, expired or revoked token');
    return user;
  }
}
