import { type OnApplicationShutdown } from '@nestjs/common';
import { type ThrottlerStorage } from '@nestjs/throttler';
import { Redis } from 'ioredis';
import { BerthError, ErrorCode } from '#domain';

// One round trip: count the hit, start the window on the first one, and report the window's rest.
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if hits > tonumber(ARGV[2]) and redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
end
return { hits, ttl, redis.call('PTTL', KEYS[2]) }
`;

/**
 * Throttler counters in Redis, so every API process shares them (an attacker gains nothing by
 * spreading attempts over instances). Fixed window per key; blocked for `blockDuration` after
 * the limit is passed.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly redis: Redis;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
  ) {
    this.redis = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<{ totalHits: number; timeToExpire: number; isBlocked: boolean; timeToBlockExpire: number }> {
    const base = `${this.prefix}:throttle:${throttlerName}:${key}`;
    let result: [number, number, number];
    try {
      result = (await this.redis.eval(INCREMENT, 2, base, `${base}:blocked`, ttl, limit, blockDuration || ttl)) as [
        number,
        number,
        number,
      ];
    } catch {
      // Fail closed: without the shared counters, password guessing would be unlimited.
      throw new BerthError(
        ErrorCode.Unavailable,
        'the rate limiter cannot reach Redis; sign-in is paused until it is back',
      );
    }
    const [hits, ttlMs, blockMs] = result;
    const blocked = blockMs > 0;
    return {
      totalHits: hits,
      timeToExpire: Math.ceil(Math.max(ttlMs, 0) / 1000),
      isBlocked: blocked,
      timeToBlockExpire: Math.ceil(Math.max(blockMs, 0) / 1000),
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
