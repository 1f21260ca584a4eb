import { Inject, Injectable } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { conflict, notFound, parseSshPublicKey } from '#domain';
import { isUniqueViolation, SshKeysRepository, UsersRepository, type SshKeyRecord } from '#persistence';
import { type AddSshKeyDto, type SshKeyView, type SshSettingsDto, type SshSettingsView } from './ssh-keys.dto.js';

const toView = (k: SshKeyRecord): SshKeyView => ({
  id: k.id,
  name: k.name,
  type: k.type,
  fingerprint: k.fingerprint,
  publicKey: k.publicKey,
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  createdAt: k.createdAt.toISOString(),
});

/** A user's SSH public keys (what the gateway accepts) and their SSH settings. */
@Injectable()
export class SshKeysService {
  constructor(
    private readonly keys: SshKeysRepository,
    private readonly users: UsersRepository,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  private gateway(): SshSettingsView['gateway'] {
    return this.config.BERTH_SSH_PORT === 0
      ? null
      : { host: this.config.BERTH_SSH_HOST, port: this.config.BERTH_SSH_PORT };
  }

  list(userId: string): Promise<SshKeyView[]> {
    return this.keys.listByUser(userId).then((rows) => rows.map(toView));
  }

  async add(userId: string, dto: AddSshKeyDto): Promise<SshKeyView> {
    const key = parseSshPublicKey(dto.publicKey);
    try {
      const row = await this.keys.create({
        userId,
        name: dto.name,
        type: key.type,
        fingerprint: key.fingerprint,
        publicKey: key.canonical,
      });
      return toView(row);
    } catch (error) {
      // Same answer whether the key is the caller's or someone else's: a key identifies one user.
      if (isUniqueViolation(error)) throw conflict('this SSH key is already registered', { field: 'publicKey' });
      throw error;
    }
  }

  async delete(userId: string, id: string): Promise<void> {
    if (!(await this.keys.delete(id, userId))) throw notFound('SSH key');
  }

  async settings(userId: string): Promise<SshSettingsView> {
    const user = await this.users.findById(userId);
    if (!user) throw notFound('user');
    return { startsStopped: user.sshStartsStopped, gateway: this.gateway() };
  }

  async updateSettings(userId: string, dto: SshSettingsDto): Promise<SshSettingsView> {
    const user = await this.users.update(userId, { sshStartsStopped: dto.startsStopped });
    return { startsStopped: user.sshStartsStopped, gateway: this.gateway() };
  }
}
