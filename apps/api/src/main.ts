import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import passport from 'passport';
import { Logger } from 'nestjs-pino';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { AppModule } from './app.module.js';
import { sessionMiddleware } from './common/session.js';
import { setUpOpenApi } from './common/openapi.js';
import { berthValidationPipe } from './common/validation.pipe.js';

async function main(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  const config = app.get<BerthConfig>(BERTH_CONFIG);

  // A reverse proxy on this host may terminate TLS: trust its X-Forwarded-* (cookies become Secure).
  app.set('trust proxy', 'loopback');
  app.use(helmet());
  app.useBodyParser('json', { limit: '1mb' });
  const sessions = sessionMiddleware(config);
  app.use(sessions.middleware);
  app.use(passport.initialize());
  app.use(passport.session());
  app.setGlobalPrefix('api/v1', { exclude: ['healthz', 'readyz', 'metrics'] });
  app.useGlobalPipes(berthValidationPipe());
  app.disable('x-powered-by');
  setUpOpenApi(app);
  app.enableShutdownHooks();

  await app.listen(config.PORT, config.HOST);
  app.get(Logger).log(`berth api listening on http://${config.HOST}:${config.PORT}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`berth api failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
