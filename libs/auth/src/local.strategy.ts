import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import { BerthError, ErrorCode } from '#domain';
import { UsersRepository } from '#persistence';
import { toAuthenticatedUser, type AuthenticatedUser } from './authenticated-user.js';
import { hashPassword, verifyPassword } from './passwords.js';

@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly users: UsersRepository) {
    super({ usernameField: 'email', passwordField: 'password' });
  }

  /** Verified against when the email is unknown, so timing does not tell which emails exist. */
  private readonly decoy = hashPassword('berth-decoy-password');

  async validate(email: unknown, password: unknown): Promise<AuthenticatedUser> {
    // The guard runs before the body is validated: a number or object here was a 500 (fuzzing).
    if (typeof email !== 'string' || typeof password !== 'string' || email.length > 320 || password.length > 1024)
      throw new BerthError(ErrorCode.Validation, 'email and password must be strings', { field: 'email' });
    const user = await this.users.findByEmail(email);
    const passwordOk = await verifyPassword(user?.passwordHash ?? (await this.decoy), password);
    // Same answer for unknown email, wrong password and deactivated user: nothing to probe.
    if (!user?.active || !user.passwordHash || !passwordOk) {
      throw new BerthError(ErrorCode.Unauthenticated, 'invalid email or password');
    }
    return toAuthenticatedUser(user, 'session');
  }
}
