import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { type Request } from 'express';
import { type AuthenticatedUser } from '#auth';
import { throttledRequests } from '#metrics';
import { routeOf } from '../metrics/http-metrics.js';

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

  protected override throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throttledRequests.inc({ route: routeOf(context.switchToHttp().getRequest<Request>()) });
    return super.throwThrottlingException(context, detail);
  }
}
