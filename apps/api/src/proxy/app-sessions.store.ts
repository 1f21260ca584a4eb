import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { BERTH_CONFIG, type BerthConfig } from '#config';

export interface AppGrant {
  userId: string;
  workspaceId: string;
  port: number;
}

const TICKET_TTL_SECONDS = 60;
const hash = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/**
 * Sign-in on an app origin, in Redis so every API process shares it. A ticket is short-lived and
 * single use (GETDEL), bound to user, workspace and port; the app origin trades it for its own
 * cookie, whose value is only ever stored hashed. Nothing here is valid on any other origin.
 */
@Injectable()
export class AppSessionsStore implements OnApplicationShutdown {
  private readonly redis: Redis;

  constructor(@Inject(BERTH_CONFIG) private readonly config: BerthConfig) {
    this.redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.redis.on('error', () => undefined); // requests fail on their own; the client reconnects
  }

  async issueTicket(grant: AppGrant & { path: string }): Promise<string> {
    const ticket = randomBytes(32).toString('base64url');
    await this.redis.set(`berth:app-ticket:${hash(ticket)}`, JSON.stringify(grant), 'EX', TICKET_TTL_SECONDS);
    return ticket;
  }

  /** The ticket's grant, once: a second use (or an expired ticket) answers null. */
  async redeemTicket(ticket: string): Promise<(AppGrant & { path: string }) | null> {
    const raw = await this.redis.getdel(`berth:app-ticket:${hash(ticket)}`);
    return raw ? (JSON.parse(raw) as AppGrant & { path: string }) : null;
  }

  async startSession(grant: AppGrant): Promise<string> {
    const secret = randomBytes(32).toString('base64url');
    const ttl = this.config.BERTH_SESSION_TTL_HOURS * 3600;
    await this.redis.set(`berth:app-session:${hash(secret)}`, JSON.stringify(grant), 'EX', ttl);
    return secret;
  }

  async session(secret: string): Promise<AppGrant | null> {
    const raw = await this.redis.get(`berth:app-session:${hash(secret)}`);
    return raw ? (JSON.parse(raw) as AppGrant) : null;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
