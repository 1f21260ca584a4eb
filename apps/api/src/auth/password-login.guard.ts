import { type ExecutionContext, Injectable } from '@nestjs/common';
import { type Request } from 'express';
import { LocalLoginGuard } from '#auth';
import { loginFailures } from '#metrics';
import { AuditService } from '../audit/audit.service.js';

/** Password sign-in that leaves an audit row when it fails (guards run before interceptors). */
@Injectable()
export class PasswordLoginGuard extends LocalLoginGuard {
  constructor(private readonly audit: AuditService) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    try {
      return await super.canActivate(context);
    } catch (error) {
      const req = context.switchToHttp().getRequest<Request>();
      loginFailures.inc({ method: 'password' });
      const email = (req.body as { email?: unknown } | undefined)?.email;
      await this.audit.record({
        actor: null,
        actorEmail: typeof email === 'string' ? email.toLowerCase().slice(0, 254) : undefined,
        action: 'auth.login',
        targetType: 'auth',
        ip: req.ip ?? null,
        outcome: 'failure',
        details: { reason: 'invalid credentials' },
      });
      throw error;
    }
  }
}
