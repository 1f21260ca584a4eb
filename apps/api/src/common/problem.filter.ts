import { STATUS_CODES } from 'node:http';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger, Optional } from '@nestjs/common';
import { type Response } from 'express';
import { BerthError, ErrorCode } from '#domain';
import { isDatabaseUnavailable } from '#persistence';
import { AuditService } from '../audit/audit.service.js';
import { auditRefusal } from '../audit/refusals.js';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  [ErrorCode.Validation]: 400,
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.QuotaExceeded]: 403,
  [ErrorCode.Unavailable]: 503,
  [ErrorCode.ImageUnavailable]: 422,
  [ErrorCode.RuntimeFailure]: 502,
  [ErrorCode.ScriptFailed]: 422,
  [ErrorCode.Cancelled]: 409,
  [ErrorCode.WorkerLost]: 500,
  [ErrorCode.Internal]: 500,
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  [extra: string]: unknown;
}

/** One place where errors become RFC 9457 problem documents; unknown errors leak nothing. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  /** With an AuditService (the global filter), refusals (403 role/scope/CSRF/Origin, 429) are audited. */
  constructor(@Optional() private readonly audit?: AuditService) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    auditRefusal(this.audit, host.switchToHttp().getRequest(), exception);
    const problem = this.toProblem(exception);
    if (response.headersSent) return;
    if (problem.status === 503) response.setHeader('Retry-After', '5');
    response.status(problem.status).type('application/problem+json').json(problem);
  }

  toProblem(exception: unknown): Problem {
    if (exception instanceof BerthError) {
      const status = STATUS_BY_CODE[exception.code];
      // Details first: they may add fields, never replace the standard ones.
      return {
        ...exception.details,
        type: `urn:berth:problem:${exception.code}`,
        title: title(status),
        status,
        detail: exception.message,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : body;
      const errors = Array.isArray(message) ? message.map(String) : undefined;
      // Terminus puts each dependency's state in `details`: keep it, it says what is down.
      const checks = typeof body === 'object' && body !== null && 'details' in body ? body.details : undefined;
      const detail = errors
        ? errors.join('; ')
        : checks
          ? 'a dependency is not ready'
          : typeof message === 'string'
            ? message
            : exception.message;
      // Nest wraps middleware errors (body parser) in an HttpException; the field is on the cause.
      const field = (exception.cause as { field?: unknown } | undefined)?.field;
      return {
        type: `urn:berth:problem:http-${status}`,
        title: title(status),
        status,
        detail,
        ...(errors ? { errors } : {}),
        ...(checks ? { checks } : {}),
        ...(typeof field === 'string' ? { field } : {}),
      };
    }
    // The database restarting or away: the client may simply try again (Retry-After is set).
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn(
        `database unavailable: ${exception instanceof Error ? exception.message.split('\n').pop() : String(exception)}`,
      );
      return {
        type: `urn:berth:problem:${ErrorCode.Unavailable}`,
        title: title(503),
        status: 503,
        detail: 'the database is not reachable right now; try again shortly',
      };
    }
    // Errors raised by express middleware (body parser: malformed JSON, too large) carry a 4xx status.
    const status = (exception as { status?: unknown } | null)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const detail =
        (exception as { type?: string }).type === 'entity.parse.failed'
          ? 'the request body is not valid JSON'
          : String((exception as Error).message);
      return { type: `urn:berth:problem:http-${status}`, title: title(status), status, detail };
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return {
      type: 'urn:berth:problem:internal',
      title: title(500),
      status: 500,
      detail: 'an unexpected error occurred; it has been logged',
    };
  }
}

const title = (status: number): string => STATUS_CODES[status] ?? 'Error';
