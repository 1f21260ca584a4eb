import { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { BerthError, ErrorCode } from '#domain';
import { ProblemFilter } from '../common/problem.filter.js';
import { type AuditService } from '../audit/audit.service.js';
import { auditRefusal } from '../audit/refusals.js';
import { type AppOriginProxy } from './app-origin.proxy.js';
import { isAppOrigin } from '../access/app-origins.js';

/**
 * First on the listener: a request for an app host goes to that app and never into Berth's own
 * routes, sessions or headers. A request for Berth's own host that comes from an app origin
 * (a page of a workspace's app calling the API, credentialed or not) is refused.
 */
export function appHostRouter(apps: AppOriginProxy, audit: AuditService): RequestHandler {
  const problems = new ProblemFilter();
  const fail = (res: Response, error: unknown): void => {
    auditRefusal(audit, res.req, error);
    const problem = problems.toProblem(error);
    if (!res.headersSent) res.status(problem.status).type('application/problem+json').json(problem);
  };
  return (req: Request, res: Response, next: NextFunction): void => {
    const app = apps.addressOf(req);
    if (app) {
      apps.web(req, res, app).catch((error: unknown) => fail(res, error));
      return;
    }
    if (isAppOrigin(apps.domain, req.headers.origin)) {
      fail(res, new BerthError(ErrorCode.Forbidden, 'app origins may not call Berth', { refusal: 'origin' }));
      return;
    }
    next();
  };
}
