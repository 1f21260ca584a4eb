import { diffSpecs } from './spec-diff.js';
import { parseTemplateSpec } from './template-spec.js';

describe('spec diff (rollout impact)', () => {
  const v1 = parseTemplateSpec({
    image: 'berth/busybox:test',
    env: { A: '1', B: '2' },
    ports: [{ port: 3000, name: 'web' }],
    initScript: 'init',
    resources: { cpus: 2, memoryMb: 2048 },
  });

  it('reports nothing but the recreation when only the container changes', () => {
    expect(diffSpecs(v1, v1, { from: 'sha256:a', to: 'sha256:a' })).toEqual({
      containerRecreated: true,
      volumeKept: true,
      image: null,
      env: { added: [], removed: [], changed: [] },
      ports: { added: [], removed: [] },
      resources: [],
      user: null,
      homePath: null,
      startScriptChanged: false,
      initScriptChanged: false,
      capAdd: { added: [], removed: [] },
      warnings: [],
    });
  });

  it('lists env, ports, resources, image, scripts and the warnings that matter', () => {
    const v2 = parseTemplateSpec({
      image: 'berth/busybox:test',
      env: { A: '1', B: 'changed', C: 'new' },
      ports: [{ port: 8080, name: 'api' }],
      initScript: 'init v2',
      startScript: 'echo',
      homePath: '/workspace',
      resources: { cpus: 1, memoryMb: 4096 },
    });
    const changes = diffSpecs(v1, v2, { from: 'sha256:a', to: 'sha256:b' });
    expect(changes).toMatchObject({
      image: { from: 'sha256:a', to: 'sha256:b' },
      env: { added: ['C'], removed: [], changed: ['B'] },
      ports: { added: [8080], removed: [3000] },
      resources: [
        { field: 'cpus', from: 2, to: 1 },
        { field: 'memoryMb', from: 2048, to: 4096 },
      ],
      homePath: { from: '/home/dev', to: '/workspace' },
      startScriptChanged: true,
      initScriptChanged: true,
    });
    expect(changes.warnings).toEqual([
      'the home volume will be mounted at /workspace instead of /home/dev',
      'the initScript changed but does not run again unless the update asks to reinitialize',
      'lower limits: cpus',
    ]);
  });
});
