import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service.js';

/** What a request finds under its Idempotency-Key. */
export type IdempotencyClaim =
  { kind: 'claimed' } | { kind: 'existing'; requestHash: string; status: number | null; response: Uint8Array | null };

/**
 * Idempotency keys, per user. The primary key (userId, keyHash) is the lock: of several requests
 * racing with one key, exactly one insert succeeds and runs; the others read its row.
 */
@Injectable()
export class IdempotencyKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Claims the key for this request, or returns the live row another request made with it. */
  async claim(userId: string, keyHash: string, requestHash: string, ttlMs: number): Promise<IdempotencyClaim> {
    const now = new Date();
    // An expired key is free again: it goes, and so does every other expired key (indexed), so
    // the table holds no more than a day of keys.
    await this.prisma.idempotencyKey.deleteMany({ where: { expiresAt: { lte: now } } });
    const { count } = await this.prisma.idempotencyKey.createMany({
      data: [{ userId, keyHash, requestHash, expiresAt: new Date(now.getTime() + ttlMs) }],
      skipDuplicates: true,
    });
    if (count === 1) return { kind: 'claimed' };
    const row = await this.find(userId, keyHash);
    // Gone between the insert and the read (it expired or its request failed): claim again.
    return row ?? this.claim(userId, keyHash, requestHash, ttlMs);
  }

  async find(userId: string, keyHash: string): Promise<Extract<IdempotencyClaim, { kind: 'existing' }> | null> {
    const row = await this.prisma.idempotencyKey.findUnique({
      where: { userId_keyHash: { userId, keyHash } },
      select: { requestHash: true, status: true, response: true, expiresAt: true },
    });
    if (!row || row.expiresAt <= new Date()) return null;
    return { kind: 'existing', requestHash: row.requestHash, status: row.status, response: row.response };
  }

  /** The first request succeeded: its answer is what every repeat gets until the key expires. */
  async complete(userId: string, keyHash: string, status: number, response: Uint8Array): Promise<void> {
    await this.prisma.idempotencyKey.updateMany({
      where: { userId, keyHash },
      data: { status, response: Buffer.from(response) },
    });
  }

  /** The first request failed: the key is free, so the client may try again with it. */
  async release(userId: string, keyHash: string): Promise<void> {
    await this.prisma.idempotencyKey.deleteMany({ where: { userId, keyHash, status: null } });
  }
}
