import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { Redis } from 'ioredis';
import { BERTH_CONFIG, redisKey, type BerthConfig } from '#config';
import { BerthError, ErrorCode } from '#domain';

/**
 * Password guessing, limited twice over, in Redis so every API process shares the counts:
 * - per client address (the real peer, or the client a trusted proxy names): one address cannot
 *   try every account;
 * - per account, wherever the guesses come from, with a delay that doubles with each failure
 *   after the third: spreading guesses over addresses does not buy speed against one account.
 * Only failures count, so people signing in normally never use up anyone's budget.
 */
@Injectable()
export class LoginLimiter implements OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(@Inject(BERTH_CONFIG) private readonly config: BerthConfig) {
    this.redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.redis.on('error', () => undefined);
    this.prefix = redisKey(config, 'login');
  }

  /** Before the password is checked: 429 when either budget is spent, else the account's delay. */
  async admit(address: string, account: string): Promise<void> {
    const [byAddress, byAccount] = (
      await this.shared(() => this.redis.mget(this.key('ip', address), this.key('account', account)))
    ).map((v) => Number(v ?? 0)) as [number, number];
    if (byAddress >= this.config.BERTH_LOGIN_ADDRESS_LIMIT)
      throw new ThrottlerException('too many failed sign-ins from this address; wait and try again');
    if (byAccount >= this.config.BERTH_LOGIN_LIMIT)
      throw new ThrottlerException('too many failed sign-ins for this account; wait and try again');
    const delay = byAccount < 3 ? 0 : Math.min(100 * 2 ** (byAccount - 3), this.config.BERTH_LOGIN_DELAY_MAX_MS);
    if (delay > 0) await sleep(delay);
  }

  async failed(address: string, account: string): Promise<void> {
    const ttl = this.config.BERTH_LOGIN_WINDOW_SECONDS;
    await this.shared(() =>
      this.redis
        .multi()
        .incr(this.key('ip', address))
        .expire(this.key('ip', address), ttl)
        .incr(this.key('account', account))
        .expire(this.key('account', account), ttl)
        .exec(),
    );
  }

  /** A correct password ends the account's delay (not the address count: that one is about guessing). */
  async succeeded(account: string): Promise<void> {
    await this.shared(() => this.redis.del(this.key('account', account)));
  }

  /** Fail closed: without the shared counters, password guessing would be unlimited (503, not 500). */
  private async shared<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch {
      throw new BerthError(
        ErrorCode.Unavailable,
        'the sign-in limiter cannot reach Redis; sign-in is paused until it is back',
      );
    }
  }

  private key(kind: 'ip' | 'account', value: string): string {
    return `${this.prefix}:${kind}:${value.toLowerCase().slice(0, 254)}`;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
