import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { type AuthenticatedUser } from '#auth';

/**
 * Counts per signed-in user, or per client address and attempted email for sign-in: one
 * attacker cannot lock everybody out, and spreading guesses over accounts still hits the IP.
 */
@Injectable()
export class BerthThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const user = req.user as AuthenticatedUser | undefined;
    if (user) return Promise.resolve(`user:${user.id}`);
    const body = req.body as { email?: unknown } | undefined;
    const email = typeof body?.email === 'string' ? body.email.toLowerCase() : '';
    return Promise.resolve(`ip:${String(req.ip)}|${email}`);
  }
}
