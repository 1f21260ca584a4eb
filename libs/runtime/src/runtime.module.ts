import { Global, Module } from '@nestjs/common';
import { DockerDriver } from './docker.driver.js';
import { RUNTIME_DRIVER } from './runtime.driver.js';

@Global()
@Module({
  providers: [DockerDriver, { provide: RUNTIME_DRIVER, useExisting: DockerDriver }],
  exports: [RUNTIME_DRIVER],
})
export class RuntimeModule {}
