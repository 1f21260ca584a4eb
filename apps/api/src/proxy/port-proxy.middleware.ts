import { type IncomingMessage } from 'node:http';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import { type NextFunction, type Request, type Response } from 'express';
import { authorizeDoor, DOORS, RequestAuthenticator } from '#auth';
import { BerthError, ErrorCode } from '#domain';
import { ProblemFilter } from '../common/problem.filter.js';
import { PortProxyService } from './port-proxy.service.js';

/** HTTP side of the port proxy (the WebSocket side goes through the UpgradeRouter). */
@Injectable()
export class PortProxyMiddleware implements NestMiddleware {
  private readonly problems = new ProblemFilter();

  constructor(
    private readonly authenticator: RequestAuthenticator,
    private readonly ports: PortProxyService,
  ) {}

  async use(req: Request, res: Response, _next: NextFunction): Promise<void> {
    try {
      req.url = req.originalUrl; // Nest strips the mount path; the proxy wants it whole
      const user = await this.authenticator.authenticate(req as unknown as IncomingMessage);
      authorizeDoor(DOORS['HTTP /w/:id/ports/:port'], user);
      if (!user) throw new BerthError(ErrorCode.Unauthenticated, 'sign in to reach this workspace');
      // The app never sees Berth's own credentials.
      delete req.headers.authorization;
      req.headers.cookie = (req.headers.cookie ?? '')
        .split(/;\s*/)
        .filter((c) => !/^berth_(session|csrf)=/.test(c))
        .join('; ');
      await this.ports.web(req, res, user);
    } catch (error) {
      const problem = this.problems.toProblem(error);
      res.status(problem.status).type('application/problem+json').json(problem);
    }
  }
}
