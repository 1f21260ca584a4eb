import { Injectable } from '@nestjs/common';
import { type IncomingMessage } from 'node:http';
import { CredentialAuthenticator, type Credential } from './credentials.js';
import { type AuthenticatedUser } from './authenticated-user.js';

type SessionedRequest = IncomingMessage & { session?: { passport?: { user?: string } } };

/**
 * The credential an HTTP request carries (WebSocket upgrades and the port proxy, which bypass
 * Nest's guards): a bearer token wins, else the passport session loaded by express-session.
 */
export function credentialOf(req: SessionedRequest): Credential | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return { kind: 'token', secret: header.slice(7).trim() };
  const userId = req.session?.passport?.user;
  return userId ? { kind: 'session', userId } : null;
}

/** HTTP's adapter to the one authentication rule (CredentialAuthenticator). */
@Injectable()
export class RequestAuthenticator {
  constructor(private readonly credentials: CredentialAuthenticator) {}

  async authenticate(req: SessionedRequest): Promise<AuthenticatedUser | null> {
    const credential = credentialOf(req);
    return credential ? this.credentials.authenticate(credential) : null;
  }
}
