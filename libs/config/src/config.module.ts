import { Global, Module } from '@nestjs/common';
import { loadConfig } from './load-config.js';
import { type BerthConfig } from './config.schema.js';

/** Injection token for the validated configuration object. */
export const BERTH_CONFIG = Symbol('BERTH_CONFIG');

@Global()
@Module({
  providers: [{ provide: BERTH_CONFIG, useFactory: (): BerthConfig => loadConfig() }],
  exports: [BERTH_CONFIG],
})
export class ConfigModule {}
