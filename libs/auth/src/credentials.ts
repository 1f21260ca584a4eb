import { Injectable } from '@nestjs/common';
import { SshKeysRepository, TokensRepository, UsersRepository, type SshKeyRecord } from '#persistence';
import { toAuthenticatedUser, type AuthenticatedUser } from './authenticated-user.js';
import { hashToken } from './token-secret.js';

/**
 * What a caller presents, whatever the transport: a bearer token's secret (REST, SSE, WebSocket,
 * exec, the port proxy, the CLI), a session's user as the session store resolved it (portal
 * cookie, an app origin's own cookie), or an SSH key's fingerprint (the gateway, once the
 * signature is verified). Transports only extract it; the rules below are the same for all.
 */
export type Credential =
  { kind: 'token'; secret: string } | { kind: 'session'; userId: string } | { kind: 'ssh-key'; fingerprint: string };

/** An SSH key and its user, active or not (the gateway says why it refuses). */
export interface KeyHolder {
  key: SshKeyRecord;
  user: AuthenticatedUser;
  active: boolean;
}

/**
 * The one authentication rule: the credential must be live (a token unrevoked and unexpired)
 * and its user active, looked up every time, so a revocation or deactivation takes effect at once.
 */
@Injectable()
export class CredentialAuthenticator {
  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: TokensRepository,
    private readonly keys: SshKeysRepository,
  ) {}

  /** The caller, or null when the credential is unknown, expired, revoked or its user deactivated. */
  async authenticate(credential: Credential): Promise<AuthenticatedUser | null> {
    switch (credential.kind) {
      case 'token': {
        const found = await this.tokens.findUsableByHash(hashToken(credential.secret), new Date());
        if (!found?.user.active) return null;
        await this.tokens.touch(found.id);
        return toAuthenticatedUser(found.user, 'token', { id: found.id, scopes: found.scopes });
      }
      case 'session': {
        const user = await this.users.findById(credential.userId);
        return user?.active ? toAuthenticatedUser(user, 'session') : null;
      }
      case 'ssh-key': {
        const holder = await this.keyHolder(credential.fingerprint);
        return holder?.active ? holder.user : null;
      }
    }
  }

  /** The key of that fingerprint with its user (the gateway verifies the signature with the key). */
  async keyHolder(fingerprint: string): Promise<KeyHolder | null> {
    const key = await this.keys.findByFingerprint(fingerprint);
    if (!key) return null;
    return { key, user: toAuthenticatedUser(key.user, 'ssh'), active: key.user.active };
  }
}
