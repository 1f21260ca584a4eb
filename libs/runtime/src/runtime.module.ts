import { type DynamicModule, Global, Module } from '@nestjs/common';
import { type BerthConfig } from '#config';
import { runtimeDriverFor } from './runtime-drivers.js';
import { RUNTIME_DRIVER } from './runtime.driver.js';

/** Binds RUNTIME_DRIVER, the one port to the engine, to the driver `BERTH_RUNTIME` names. */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(config: Pick<BerthConfig, 'BERTH_RUNTIME'>): DynamicModule {
    const driver = runtimeDriverFor(config.BERTH_RUNTIME);
    return {
      module: RuntimeModule,
      providers: [driver, { provide: RUNTIME_DRIVER, useExisting: driver }],
      exports: [RUNTIME_DRIVER],
    };
  }
}
