import { Injectable } from '@nestjs/common';
import { PassportSerializer } from '@nestjs/passport';
import { UsersRepository } from '#persistence';
import { toAuthenticatedUser, type AuthenticatedUser } from './authenticated-user.js';

/** Only the user id lives in the session; the user is reloaded so deactivation ends it at once. */
@Injectable()
export class SessionSerializer extends PassportSerializer {
  constructor(private readonly users: UsersRepository) {
    super();
  }

  serializeUser(user: AuthenticatedUser, done: (err: Error | null, id?: string) => void): void {
    done(null, user.id);
  }

  deserializeUser(id: string, done: (err: Error | null, user?: AuthenticatedUser | false) => void): void {
    this.users.findById(id).then(
      (user) => done(null, user?.active ? toAuthenticatedUser(user, 'session') : false),
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
    );
  }
}
