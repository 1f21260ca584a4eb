import { Injectable } from '@nestjs/common';
import { type IncomingMessage } from 'node:http';
import { UsersRepository } from '#persistence';
import { toAuthenticatedUser, type AuthenticatedUser } from './authenticated-user.js';
import { TokenVerifier } from './token-verifier.js';

type SessionedRequest = IncomingMessage & { session?: { passport?: { user?: string } } };

/**
 * Authentication for traffic that bypasses Nest's guards: WebSocket upgrades (terminal, proxied
 * apps) and the port proxy. Same rules as the guards: a bearer token, or the passport session
 * (loaded by express-session beforehand); the user must still be active.
 */
@Injectable()
export class RequestAuthenticator {
  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: TokenVerifier,
  ) {}

  async authenticate(req: SessionedRequest): Promise<AuthenticatedUser | null> {
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      return this.tokens.verify(header.slice(7).trim());
    }
    const userId = req.session?.passport?.user;
    if (!userId) return null;
    const user = await this.users.findById(userId);
    return user?.active ? toAuthenticatedUser(user, 'session') : null;
  }
}
