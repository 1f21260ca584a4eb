import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { type AuthenticatedUser } from '#auth';

/** Counts per signed-in user (token creation), else per client address. */
@Injectable()
export class BerthThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const user = req.user as AuthenticatedUser | undefined;
    if (user) return Promise.resolve(`user:${user.id}`);
    return Promise.resolve(`ip:${String(req.ip)}`);
  }
}
