import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service.js';
import { type SshKeyRecord, type UserRecord } from './records.js';

@Injectable()
export class SshKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Throws a unique violation when the fingerprint is already registered (by anyone). */
  create(data: {
    userId: string;
    name: string;
    type: string;
    fingerprint: string;
    publicKey: string;
  }): Promise<SshKeyRecord> {
    return this.prisma.sshKey.create({ data });
  }

  listByUser(userId: string): Promise<SshKeyRecord[]> {
    return this.prisma.sshKey.findMany({ where: { userId }, orderBy: { createdAt: 'asc' } });
  }

  findByFingerprint(fingerprint: string): Promise<(SshKeyRecord & { user: UserRecord }) | null> {
    return this.prisma.sshKey.findUnique({ where: { fingerprint }, include: { user: true } });
  }

  /** Returns false when the key does not exist for that user (so the caller answers 404). */
  async delete(id: string, userId: string): Promise<boolean> {
    const { count } = await this.prisma.sshKey.deleteMany({ where: { id, userId } });
    return count === 1;
  }

  async touch(id: string): Promise<void> {
    await this.prisma.sshKey.updateMany({ where: { id }, data: { lastUsedAt: new Date() } });
  }
}
