import {
  type CallHandler,
  type ExecutionContext,
  HttpException,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { type Request } from 'express';
import { catchError, type Observable, tap, throwError } from 'rxjs';
import { type AuthenticatedUser } from '#auth';
import { BerthError } from '#domain';
import { AuditService } from './audit.service.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * One audit row per mutation, successful or refused, named `<controller>.<handler>` (e.g.
 * `workspaces.start`), with the target id from the route or from the created object.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly audit: AuditService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request & { user?: AuthenticatedUser }>();
    if (READS.has(req.method)) return next.handle();
    const resource = (context.getClass().name.replace(/Controller$/, '') || 'api').toLowerCase();
    const action = `${resource}.${context.getHandler().name}`;
    const record = (
      outcome: 'success' | 'failure',
      targetId: string | undefined,
      details: Record<string, string | number>,
    ): void =>
      void this.audit.record({
        actor: req.user ?? null,
        action,
        targetType: resource,
        targetId,
        ip: req.ip ?? null,
        outcome,
        actorEmail:
          typeof (req.body as { email?: unknown } | undefined)?.email === 'string'
            ? (req.body as { email: string }).email
            : undefined,
        details,
      });
    // `:id`, or `:workspaceId` on routes named after the workspace they act on (trash, volumes).
    const param = req.params.id ?? req.params.workspaceId;
    const routeId = typeof param === 'string' ? param : undefined;
    return next.handle().pipe(
      tap((body: unknown) => record('success', routeId ?? idOf(body), {})),
      catchError((error: unknown) => {
        record('failure', routeId, error instanceof BerthError ? { code: error.code } : { status: statusOf(error) });
        return throwError(() => error);
      }),
    );
  }
}

function idOf(body: unknown): string | undefined {
  const b = body as { id?: unknown; build?: { workspaceId?: unknown }; user?: { id?: unknown } } | null;
  const id = b?.id ?? b?.build?.workspaceId ?? b?.user?.id;
  return typeof id === 'string' ? id : undefined;
}

function statusOf(error: unknown): number {
  if (error instanceof HttpException) return error.getStatus();
  return 500;
}
