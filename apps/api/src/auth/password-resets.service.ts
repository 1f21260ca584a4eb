import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { hashPassword } from '#auth';
import { BERTH_CONFIG, redisKey, type BerthConfig } from '#config';
import { BerthError, ErrorCode, invalid } from '#domain';
import { SessionsRepository, UsersRepository } from '#persistence';
import { portalUrl } from '../common/portal-url.js';
import { LoginLimiter } from './login-limiter.service.js';

export interface PasswordResetView {
  code: string;
  url: string;
  expiresAt: string;
}

const hash = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/**
 * Admin-made password resets: a random code, shown once, kept in Redis only as its SHA-256 with
 * a TTL, redeemed at most once (GETDEL). A newer reset for the same user voids the older one, so
 * only the last code handed out works. Redeeming sets the password and ends every session.
 */
@Injectable()
export class PasswordResetsService implements OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly limiter: LoginLimiter,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {
    this.redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.redis.on('error', () => undefined);
    this.prefix = redisKey(config, 'password-reset');
  }

  async create(userId: string): Promise<PasswordResetView> {
    const code = randomBytes(24).toString('base64url');
    const ttl = this.config.BERTH_PASSWORD_RESET_TTL_MINUTES * 60;
    const previous = await this.redis.getset(`${this.prefix}:user:${userId}`, hash(code));
    const tx = this.redis.multi();
    if (previous) tx.del(`${this.prefix}:code:${previous}`);
    await tx
      .set(`${this.prefix}:code:${hash(code)}`, userId, 'EX', ttl)
      .expire(`${this.prefix}:user:${userId}`, ttl)
      .exec();
    return {
      code,
      // The code travels in the fragment: browsers never send it to a server or in a Referer.
      url: `${portalUrl(this.config)}/reset-password#code=${code}`,
      expiresAt: new Date(Date.now() + ttl * 1000).toISOString(),
    };
  }

  /** Limited like sign-in per client address; a wrong, used or expired code counts as a failure. */
  async redeem(address: string, code: string, password: string): Promise<string> {
    const account = `reset:${address}`;
    await this.limiter.admit(address, account);
    if (password.length < this.config.BERTH_MIN_PASSWORD_LENGTH)
      throw invalid(`password must be at least ${this.config.BERTH_MIN_PASSWORD_LENGTH} characters`, 'password');
    const userId = await this.redis.getdel(`${this.prefix}:code:${hash(code)}`);
    const user = userId ? await this.users.findById(userId) : null;
    if (!userId || !user || !user.active) {
      await this.limiter.failed(address, account);
      throw new BerthError(ErrorCode.Validation, 'the reset code is wrong, used or expired', { field: 'code' });
    }
    await this.redis.del(`${this.prefix}:user:${userId}`);
    await this.users.setPasswordHash(userId, await hashPassword(password));
    await this.sessions.deleteForUser(userId);
    return userId;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
