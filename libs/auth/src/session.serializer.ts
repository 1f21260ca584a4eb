import { Injectable } from '@nestjs/common';
import { PassportSerializer } from '@nestjs/passport';
import { type AuthenticatedUser } from './authenticated-user.js';
import { CredentialAuthenticator } from './credentials.js';

/** Only the user id lives in the session; the user is reloaded so deactivation ends it at once. */
@Injectable()
export class SessionSerializer extends PassportSerializer {
  constructor(private readonly credentials: CredentialAuthenticator) {
    super();
  }

  serializeUser(user: AuthenticatedUser, done: (err: Error | null, id?: string) => void): void {
    done(null, user.id);
  }

  deserializeUser(id: string, done: (err: Error | null, user?: AuthenticatedUser | false) => void): void {
    this.credentials.authenticate({ kind: 'session', userId: id }).then(
      (user) => done(null, user ?? false),
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
    );
  }
}
