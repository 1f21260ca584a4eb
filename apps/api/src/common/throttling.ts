import { ThrottlerModule } from '@nestjs/throttler';
import { BERTH_CONFIG, redisKeyPrefix, type BerthConfig } from '#config';
import { RedisThrottlerStorage } from './redis-throttler.storage.js';

export const TOKEN_THROTTLE = 'tokens';

/** Named throttlers; routes opt in with @UseGuards(BerthThrottlerGuard). Sign-in has its own LoginLimiter. */
export const throttlingModule = ThrottlerModule.forRootAsync({
  inject: [BERTH_CONFIG],
  useFactory: (config: BerthConfig) => ({
    throttlers: [
      {
        name: TOKEN_THROTTLE,
        ttl: config.BERTH_TOKEN_CREATE_WINDOW_SECONDS * 1000,
        limit: config.BERTH_TOKEN_CREATE_LIMIT,
      },
    ],
    storage: new RedisThrottlerStorage(config.REDIS_URL, redisKeyPrefix(config)),
    errorMessage: 'too many attempts; wait a minute and try again',
  }),
});
