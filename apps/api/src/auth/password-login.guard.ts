import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { type Request } from 'express';
import { LocalLoginGuard } from '#auth';
import { BerthError, ErrorCode } from '#domain';
import { loginFailures } from '#metrics';
import { AuditService } from '../audit/audit.service.js';
import { LoginLimiter } from './login-limiter.service.js';

/**
 * Password sign-in, limited per address and per account (LoginLimiter), leaving an audit row when
 * it fails or is refused (guards run before interceptors). `req.ip` is the real peer unless a
 * proxy in BERTH_TRUSTED_PROXIES names the client.
 */
@Injectable()
export class PasswordLoginGuard extends LocalLoginGuard {
  constructor(
    private readonly audit: AuditService,
    private readonly limiter: LoginLimiter,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const raw = (req.body as { email?: unknown } | undefined)?.email;
    const email = typeof raw === 'string' ? raw.toLowerCase().slice(0, 254) : '';
    const address = req.ip ?? 'unknown';
    try {
      await this.limiter.admit(address, email);
      const ok = await super.canActivate(context);
      await this.limiter.succeeded(email);
      return ok;
    } catch (error) {
      // Redis away: the limiter already answers 503 (fail closed); nothing to count.
      if (error instanceof BerthError && error.code === ErrorCode.Unavailable) throw error;
      const refused = error instanceof ThrottlerException;
      if (!refused) loginFailures.inc({ method: 'password' });
      if (!refused) await this.limiter.failed(address, email);
      await this.audit.record({
        actor: null,
        actorEmail: email || undefined,
        action: 'auth.login',
        targetType: 'auth',
        ip: req.ip ?? null,
        outcome: 'failure',
        details: { reason: refused ? 'rate limited (429)' : 'invalid credentials' },
      });
      throw error;
    }
  }
}
