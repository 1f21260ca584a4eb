import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { type Request } from 'express';
import { type AuthenticatedUser } from '#auth';
import { throttledRequests } from '#metrics';
import { routeOf } from '../metrics/http-metrics.js';

/** Counts per signed-in user (token creation), else per client address. */
@Injectable()
export class BerthThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const user = req.user as AuthenticatedUser | undefined;
    if (user) return Promise.resolve(`user:${user.id}`);
    return Promise.resolve(`ip:${String(req.ip)}`);
  }

  protected override throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throttledRequests.inc({ route: routeOf(context.switchToHttp().getRequest<Request>()) });
    return super.throwThrottlingException(context, detail);
  }
}
