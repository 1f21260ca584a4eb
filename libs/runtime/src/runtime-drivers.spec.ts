import { DockerDriver } from './docker.driver.js';
import { SwarmDriver } from './swarm.driver.js';
import { runtimeDriverFor } from './runtime-drivers.js';
import { RuntimeModule } from './runtime.module.js';
import { RUNTIME_DRIVER } from './runtime.driver.js';

describe('RuntimeModule.forRoot: BERTH_RUNTIME picks the driver', () => {
  it('binds RUNTIME_DRIVER to the Docker driver for docker (the default)', () => {
    const module = RuntimeModule.forRoot({ BERTH_RUNTIME: 'docker' });
    expect(module.providers).toEqual([DockerDriver, { provide: RUNTIME_DRIVER, useExisting: DockerDriver }]);
    expect(module.exports).toEqual([RUNTIME_DRIVER]);
  });

  it('binds RUNTIME_DRIVER to the Swarm driver for swarm', () => {
    const module = RuntimeModule.forRoot({ BERTH_RUNTIME: 'swarm' });
    expect(module.providers).toEqual([SwarmDriver, { provide: RUNTIME_DRIVER, useExisting: SwarmDriver }]);
    expect(runtimeDriverFor('swarm')).toBe(SwarmDriver);
  });

  it('refuses an engine this build has no driver for, naming those it has', () => {
    expect(() => runtimeDriverFor('nomad' as 'swarm')).toThrow(
      'BERTH_RUNTIME=nomad: this build has no driver for it (it has: docker, swarm)',
    );
  });
});
