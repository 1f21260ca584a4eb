import fs from 'node:fs';
import path from 'node:path';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { type NextFunction, type Request, type Response } from 'express';

const NOT_PORTAL = /^\/(api|w|healthz|readyz|metrics)(\/|$)/;

/**
 * Serves the built portal (apps/portal/dist) on the API's own origin, so the session cookie and
 * CSRF token just work; unknown non-API paths get index.html (client-side routes).
 */
export function servePortal(app: NestExpressApplication, dir = path.resolve('apps/portal/dist')): boolean {
  const index = path.join(dir, 'index.html');
  if (!fs.existsSync(index)) return false;
  app.useStaticAssets(dir, { index: false, maxAge: '1h', immutable: false });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || NOT_PORTAL.test(req.path)) return next();
    res.set('Cache-Control', 'no-cache').sendFile(index);
  });
  return true;
}
