import { type Type } from '@nestjs/common';
import { type BerthConfig } from '#config';
import { DockerDriver } from './docker.driver.js';
import { SwarmDriver } from './swarm.driver.js';
import { type RuntimeDriver } from './runtime.driver.js';

export type RuntimeKind = BerthConfig['BERTH_RUNTIME'];

/**
 * The drivers this build carries, by `BERTH_RUNTIME`. Adding an engine is its driver's file (run
 * through runtime-driver.contract.ts) and one line here.
 */
export const RUNTIME_DRIVERS: Partial<Record<RuntimeKind, Type<RuntimeDriver>>> = {
  docker: DockerDriver,
  swarm: SwarmDriver,
};

export function runtimeDriverFor(kind: RuntimeKind): Type<RuntimeDriver> {
  const driver = RUNTIME_DRIVERS[kind];
  if (!driver) {
    const known = Object.keys(RUNTIME_DRIVERS).join(', ');
    throw new Error(`BERTH_RUNTIME=${kind}: this build has no driver for it (it has: ${known})`);
  }
  return driver;
}
