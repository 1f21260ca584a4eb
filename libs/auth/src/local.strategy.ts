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

  async validate(email: string, password: string): Promise<AuthenticatedUser> {
    const user = await this.users.findByEmail(email);
    const passwordOk = await verifyPassword(user?.passwordHash ?? (await this.decoy), password);
    // Same answer for unknown email, wrong password and deactivated user: nothing to probe.
    if (!user?.active || !user.passwordHash || !passwordOk) {
      throw new BerthError(ErrorCode.Unauthenticated, 'invalid email or password');
    }
    return toAuthenticatedUser(user, 'session');
  }
}
