import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { BERTH_CONFIG, redisKey, type BerthConfig } from '#config';
import { CredentialChanges, type CredentialChange, TokensRepository } from '#persistence';
import { toAuthenticatedUser, type AuthenticatedUser } from './authenticated-user.js';
import { hashToken } from './token-secret.js';

interface Verdict {
  user: AuthenticatedUser;
  tokenId: string;
  userId: string;
  expiresAt: number | null;
  cachedAt: number;
}

/** Bounded: a flood of distinct valid tokens evicts the oldest verdicts, never grows memory. */
const MAX_ENTRIES = 10_000;

const channelOf = (config: BerthConfig): string => redisKey(config, 'credential-changes');

/**
 * Bearer token verification with a short in-memory cache, so a busy client costs no database round
 * trip per request. Safe because every change that could flip a verdict evicts it: in this process
 * synchronously (CredentialChanges), in every other API process through Redis pub/sub. While that
 * subscription is not confirmed live, nothing is served from the cache (a missed eviction is never
 * trusted), and a reconnect starts from an empty cache.
 */
@Injectable()
export class TokenVerifier implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(TokenVerifier.name);
  private readonly cache = new Map<string, Verdict>();
  private readonly ttlMs: number;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channel: string;
  private live = false;
  /** Bumped by every eviction: a lookup that raced one must not store what it read. */
  private generation = 0;
  private stopListening: () => void = () => undefined;

  constructor(
    private readonly tokens: TokensRepository,
    private readonly changes: CredentialChanges,
    @Inject(BERTH_CONFIG) config: BerthConfig,
  ) {
    this.ttlMs = config.BERTH_TOKEN_CACHE_TTL_MS;
    this.channel = channelOf(config);
    this.publisher = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
    this.subscriber = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: true });
  }

  onModuleInit(): void {
    if (this.ttlMs === 0) return;
    this.stopListening = this.changes.listen((change) => {
      this.evict(change);
      this.publisher.publish(this.channel, JSON.stringify(change)).catch((error: unknown) => {
        // The other processes' entries still expire within the TTL; say so.
        this.logger.warn(`credential change not broadcast: ${error instanceof Error ? error.message : String(error)}`);
      });
    });
    this.subscriber.on('message', (_channel: string, message: string) => {
      try {
        this.evict(JSON.parse(message) as CredentialChange);
      } catch {
        this.clear();
      }
    });
    // Any gap in the subscription may have hidden an eviction: stop trusting, forget everything.
    for (const event of ['close', 'reconnecting', 'end', 'error']) {
      this.subscriber.on(event, () => {
        this.live = false;
        this.clear();
      });
    }
    // ioredis re-subscribes after a reconnect; the cache is trusted again once Redis confirms.
    this.subscriber.on('ready', () => void this.confirmSubscription());
    this.subscriber.connect().catch(() => undefined);
  }

  /** The user a bearer token stands for, or null when it is unknown, expired, revoked or its user inactive. */
  async verify(token: string): Promise<AuthenticatedUser | null> {
    const hash = hashToken(token);
    const now = Date.now();
    const cached = this.live ? this.cache.get(hash) : undefined;
    if (cached && now - cached.cachedAt < this.ttlMs && (cached.expiresAt === null || cached.expiresAt > now)) {
      return cached.user;
    }
    const generation = this.generation;
    const found = await this.tokens.findUsableByHash(hash, new Date(now));
    if (!found?.user.active) {
      this.cache.delete(hash);
      return null;
    }
    // lastUsedAt at the cache's resolution: written when the verdict is (re)read, not per request.
    await this.tokens.touch(found.id);
    const user = toAuthenticatedUser(found.user, 'token', { id: found.id, scopes: found.scopes });
    if (this.live && this.ttlMs > 0 && generation === this.generation) {
      if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value ?? '');
      this.cache.set(hash, {
        user,
        tokenId: found.id,
        userId: found.user.id,
        expiresAt: found.expiresAt?.getTime() ?? null,
        cachedAt: now,
      });
    }
    return user;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopListening();
    this.live = false;
    await Promise.all([this.publisher.quit(), this.subscriber.quit()].map((p) => p.catch(() => undefined)));
  }

  private async confirmSubscription(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
      this.clear();
      this.live = true;
    } catch {
      this.live = false;
    }
  }

  private evict(change: CredentialChange): void {
    this.generation++;
    for (const [hash, verdict] of this.cache) {
      if ('tokenId' in change ? verdict.tokenId === change.tokenId : verdict.userId === change.userId) {
        this.cache.delete(hash);
      }
    }
  }

  private clear(): void {
    this.generation++;
    this.cache.clear();
  }
}
