import { Injectable, type NestMiddleware } from '@nestjs/common';
import { type NextFunction, type Request, type Response } from 'express';

/** `/w/<workspaceId>/ports/<port>/<rest>`: where forwarded ports lived before they got their own origins. */
export const OLD_PORT_PATH = /^\/w\/([0-9a-f-]{36})\/ports\/(\d{1,5})(\/.*)?$/;

/**
 * The old path-based proxy served apps on the portal's own origin (an app page could read the
 * CSRF cookie and act as whoever opened it). It now only redirects to the ticket route, which
 * checks access and sends the browser on to the port's own origin.
 */
@Injectable()
export class PortProxyMiddleware implements NestMiddleware {
  use(req: Request, res: Response, _next: NextFunction): void {
    const match = OLD_PORT_PATH.exec(req.originalUrl.split('?')[0] ?? '');
    if (!match || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.status(404).type('application/problem+json').json({
        type: 'urn:berth:problem:not_found',
        title: 'Not Found',
        status: 404,
        detail:
          'forwarded ports live on their own origin now: open them from the portal (GET /workspaces/:id lists their URLs)',
      });
      return;
    }
    const path = encodeURIComponent(match[3] ?? '/');
    res.redirect(302, `/api/v1/workspaces/${match[1]}/ports/${match[2]}/open?path=${path}`);
  }
}
