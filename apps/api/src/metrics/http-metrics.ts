import { type NextFunction, type Request, type Response } from 'express';
import { httpDuration, limits } from '#metrics';

/**
 * Times every HTTP request and labels it by route template (`/api/v1/workspaces/:id`), never by
 * the raw path: requests that matched no route (static portal files, 404s) share one label.
 */
export function httpMetrics(req: Request, res: Response, next: NextFunction): void {
  const started = performance.now();
  res.once('finish', () => {
    httpDuration.observe(
      { method: req.method, route: routeOf(req), status: String(res.statusCode) },
      (performance.now() - started) / 1000,
    );
  });
  next();
}

export function routeOf(req: Request): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof route === 'string') return limits.routes.value(`${req.baseUrl}${route}`);
  if (req.originalUrl.startsWith('/w/')) return '/w/:workspaceId/ports/:port';
  return 'unmatched';
}
