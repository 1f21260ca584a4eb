import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { WorkerModule } from './worker.module.js';

/** The worker has no HTTP: an application context whose BullMQ workers close on SIGTERM. */
async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.get(Logger).log('berth worker ready');
}

main().catch((error: unknown) => {
  process.stderr.write(`berth worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
