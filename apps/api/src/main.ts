import 'reflect-metadata';
import { type IncomingMessage } from 'node:http';
import { type Duplex } from 'node:stream';
import { json, type NextFunction, type Request, type Response } from 'express';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import passport from 'passport';
import { Logger } from 'nestjs-pino';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { AppModule } from './app.module.js';
import { sessionMiddleware } from './common/session.js';
import { API_PREFIX, API_PREFIX_EXCLUDE, setUpOpenApi } from './common/openapi.js';
import { servePortal } from './common/portal.js';
import { PortProxyMiddleware } from './proxy/port-proxy.middleware.js';
import { AppOriginProxy } from './proxy/app-origin.proxy.js';
import { appHostRouter } from './proxy/app-host.router.js';
import { AuditService } from './audit/audit.service.js';
import { UpgradeRouter } from './access/upgrade.router.js';
import { berthValidationPipe } from './common/validation.pipe.js';
import { LiveConnections } from './common/live-connections.js';
import { refuseDeepJson, refuseHostileInput } from './common/input-guard.js';
import { httpMetrics } from './metrics/http-metrics.js';
import { applyKeepAlive } from './common/keep-alive.js';

async function main(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  const config = app.get<BerthConfig>(BERTH_CONFIG);

  // Only proxies listed in BERTH_TRUSTED_PROXIES may name the client (X-Forwarded-For) or the
  // scheme; from anyone else those headers are ignored (proxy-addr semantics, checked at boot).
  app.set('trust proxy', config.BERTH_TRUSTED_PROXIES.length ? config.BERTH_TRUSTED_PROXIES : false);
  // App origins first: proxied apps get none of Berth's headers, sessions or routes.
  app.use(appHostRouter(app.get(AppOriginProxy), app.get(AuditService)));
  app.use(httpMetrics);
  app.use(helmet());
  const sessions = sessionMiddleware(config);
  app.use(sessions.middleware);
  // The old path-based port URLs: a redirect to the ticket route.
  const ports = app.get(PortProxyMiddleware);
  app.use('/w', (req: Request, res: Response, next: NextFunction) => ports.use(req, res, next));
  // Too deep is refused while parsing; reserved names and NUL right after, for every route.
  // express.json itself: Nest's useBodyParser reserves `verify` (for rawBody) and drops ours.
  app.use(json({ limit: '1mb', verify: refuseDeepJson }));
  app.use(refuseHostileInput);
  app.use(passport.initialize());
  app.use(passport.session());
  app.setGlobalPrefix(API_PREFIX, { exclude: API_PREFIX_EXCLUDE });
  app.useGlobalPipes(berthValidationPipe());
  app.disable('x-powered-by');
  setUpOpenApi(app);
  const portal = servePortal(app);
  app.enableShutdownHooks();

  applyKeepAlive(app.getHttpServer());
  await app.listen(config.PORT, config.HOST);
  // SIGTERM: LiveConnections drains streams and requests before the database and Redis close.
  app.get(LiveConnections).track(app.getHttpServer());
  const upgrades = app.get(UpgradeRouter);
  app
    .getHttpServer()
    .on(
      'upgrade',
      (req: IncomingMessage, socket: Duplex, head: Buffer) =>
        void upgrades.handle(req, socket, head, sessions.middleware),
    );
  if (!portal) app.get(Logger).warn('portal not built (apps/portal/dist missing): serving the API only');
  app.get(Logger).log(`berth api listening on http://${config.HOST}:${config.PORT}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`berth api failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
