import { type BerthConfig } from './config.schema.js';

/**
 * The one prefix of every Redis key and channel Berth uses (queues, events, limiters): instances
 * sharing a Redis (several checkouts, test runs side by side) never see each other's keys.
 */
export const redisKeyPrefix = (config: Pick<BerthConfig, 'BERTH_INSTANCE'>): string => `berth-${config.BERTH_INSTANCE}`;

/** A named key space under the prefix, e.g. `berth-default:login`. */
export const redisKey = (config: Pick<BerthConfig, 'BERTH_INSTANCE'>, name: string): string =>
  `${redisKeyPrefix(config)}:${name}`;
