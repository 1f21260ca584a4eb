import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { BerthError, ErrorCode } from '#domain';
import { type AuthenticatedUser } from './authenticated-user.js';
import { CredentialAuthenticator } from './credentials.js';

@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(private readonly credentials: CredentialAuthenticator) {
    super();
  }

  /** Looked up on every request, so a revocation or deactivation takes effect at once. */
  async validate(token: string): Promise<AuthenticatedUser> {
    const user = await this.credentials.authenticate({ kind: 'token', secret: token });
    if (!user) throw new BerthError(ErrorCode.Unauthenticated, 'invalid, expired or revoked token');
    return user;
  }
}
