import { Injectable } from '@nestjs/common';
import { CredentialChanges } from './credential-changes.js';
import { PrismaService } from './prisma.service.js';
import { type ApiTokenRecord, type UserRecord } from './records.js';

@Injectable()
export class TokensRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly changes: CredentialChanges,
  ) {}

  create(data: {
    userId: string;
    name: string;
    tokenHash: string;
    prefix: string;
    expiresAt: Date | null;
    scopes: string[];
    createdById: string;
  }): Promise<ApiTokenRecord> {
    return this.prisma.apiToken.create({ data });
  }

  findUsableByHash(tokenHash: string, now: Date): Promise<(ApiTokenRecord & { user: UserRecord }) | null> {
    return this.prisma.apiToken.findFirst({
      where: { tokenHash, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
      include: { user: true },
    });
  }

  listByUser(userId: string): Promise<ApiTokenRecord[]> {
    return this.prisma.apiToken.findMany({ where: { userId, revokedAt: null }, orderBy: { createdAt: 'asc' } });
  }

  /** Returns false when the token does not exist for that user (so the caller answers 404). */
  async revoke(id: string, userId: string): Promise<boolean> {
    const { count } = await this.prisma.apiToken.updateMany({
      where: { id, userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    this.changes.notify({ tokenId: id });
    return count === 1;
  }

  /** Every live token of the user, for good (deactivation: reactivating brings none back). */
  async revokeAllForUser(userId: string): Promise<number> {
    const { count } = await this.prisma.apiToken.updateMany({
      where: { userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    this.changes.notify({ userId });
    return count;
  }

  async touch(id: string): Promise<void> {
    await this.prisma.apiToken.update({ where: { id }, data: { lastUsedAt: new Date() } });
  }
}
