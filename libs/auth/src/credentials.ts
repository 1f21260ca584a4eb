import { Injectable } from '@nestjs/common';
import { SshKeysRepository, UsersRepository, type SshKeyRecord } from '#persistence';
import { toAuthenticatedUser, type AuthenticatedUser } from './authenticated-user.js';
import { TokenVerifier } from './token-verifier.js';

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
 * and its user active. Sessions and keys are looked up every time; a token's verdict may come
 * from TokenVerifier's short cache, which every revocation or user change evicts at once.
 */
@Injectable()
export class CredentialAuthenticator {
  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: TokenVerifier,
    private readonly keys: SshKeysRepository,
  ) {}

  /** The caller, or null when the credential is unknown, expired, revoked or its user deactivated. */
  async authenticate(credential: Credential): Promise<AuthenticatedUser | null> {
    switch (credential.kind) {
      case 'token':
        // Cached briefly per process; every revocation or user change evicts it everywhere at once.
        return this.tokens.verify(credential.secret);
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
