import { DockerDriver } from './docker.driver.js';
import { runtimeDriverFor } from './runtime-drivers.js';
import { RuntimeModule } from './runtime.module.js';
import { RUNTIME_DRIVER } from './runtime.driver.js';

describe('RuntimeModule.forRoot: BERTH_RUNTIME picks the driver', () => {
  it('binds RUNTIME_DRIVER to the Docker driver for docker (the default)', () => {
    const module = RuntimeModule.forRoot({ BERTH_RUNTIME: 'docker' });
    expect(module.providers).toEqual([DockerDriver, { provide: RUNTIME_DRIVER, useExisting: DockerDriver }]);
    expect(module.exports).toEqual([RUNTIME_DRIVER]);
  });

  it('refuses an engine this build has no driver for, naming those it has', () => {
    expect(() => runtimeDriverFor('swarm')).toThrow(
      'BERTH_RUNTIME=swarm: this build has no driver for it (it has: docker)',
    );
  });
});
