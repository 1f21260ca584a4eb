import { type RedisOptions } from 'bullmq';

/**
 * BullMQ connection options from REDIS_URL. Producers (the API) turn the offline queue off so a
 * request fails fast with 503 while Redis is down instead of hanging; workers keep the defaults
 * BullMQ requires (maxRetriesPerRequest: null), so they reconnect and resume on their own.
 */
export function redisConnection(redisUrl: string, role: 'producer' | 'worker'): RedisOptions {
  const url = new URL(redisUrl);
  const base: RedisOptions = {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
  };
  return role === 'producer'
    ? { ...base, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 }
    : { ...base, maxRetriesPerRequest: null };
}
