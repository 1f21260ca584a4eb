import { BerthError } from './errors.js';
import { parseTemplateSpec } from './template-spec.js';

const fieldOf = (input: unknown): string | undefined => {
  try {
    parseTemplateSpec(input);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(BerthError);
    return (error as BerthError).details.field as string;
  }
};

describe('template spec validation', () => {
  it('fills safe defaults: non-root user, /home/dev, limits, no capabilities, no ports', () => {
    expect(parseTemplateSpec({ image: 'berth/debian:bookworm' })).toEqual({
      image: 'berth/debian:bookworm',
      user: '1000:1000',
      allowRoot: false,
      maxPortShare: 'owner',
      homePath: '/home/dev',
      env: {},
      ports: [],
      capAdd: [],
      resources: { cpus: 2, memoryMb: 2048, pidsLimit: 1024 },
      parameters: [],
    });
  });

  it('refuses a build file that would shadow the checked Dockerfile, naming it', () => {
    for (const path of ['Dockerfile', './Dockerfile', 'dockerfile', '.dockerignore'])
      expect(fieldOf({ build: { dockerfile: 'FROM berth/a', files: { [path]: 'FROM evil/x' } } })).toBe(
        `spec.build.files.${path}`,
      );
    expect(fieldOf({ build: { dockerfile: 'FROM berth/a', files: { 'docker/Dockerfile': 'x' } } })).toBeUndefined();
  });

  it('accepts a full spec', () => {
    const spec = parseTemplateSpec({
      image: '127.0.0.1:5000/team/node:20@sha256:' + 'a'.repeat(64),
      user: 'dev',
      homePath: '/workspace',
      env: { NODE_ENV: 'development' },
      ports: [{ port: 3000, name: 'web' }],
      command: ['sleep', 'infinity'],
      initScript: 'git clone x',
      startScript: 'echo hi',
      capAdd: ['NET_BIND_SERVICE'],
      resources: { cpus: 1.5, memoryMb: 4096, pidsLimit: 512 },
    });
    expect(spec.resources).toEqual({ cpus: 1.5, memoryMb: 4096, pidsLimit: 512 });
  });

  it.each([
    [{ image: 'x', privileged: true }, 'spec.privileged'],
    [{ image: 'x', Binds: ['/:/host'] }, 'spec.Binds'],
    [{ image: 'x', mounts: [] }, 'spec.mounts'],
    [{ image: 'x', volumes: ['/var/run/docker.sock:/var/run/docker.sock'] }, 'spec.volumes'],
    [{ image: 'x', devices: ['/dev/sda'] }, 'spec.devices'],
    [{ image: 'x', networkMode: 'host' }, 'spec.networkMode'],
    [{ image: 'x', pidMode: 'host' }, 'spec.pidMode'],
    [{ image: 'x', ipcMode: 'host' }, 'spec.ipcMode'],
    [{ image: 'x', securityOpt: ['apparmor=unconfined'] }, 'spec.securityOpt'],
    [{ image: 'x', resources: { cpus: 1, hostConfig: { Privileged: true } } }, 'spec.resources.hostConfig'],
    [{ image: 'x', capAdd: ['SYS_ADMIN'] }, 'spec.capAdd.0'],
    [{ image: 'x', homePath: '/' }, 'spec.homePath'],
    [{ image: 'x', homePath: '/etc' }, 'spec.homePath'],
    [{ image: 'x', homePath: '/home/../etc' }, 'spec.homePath'],
    [{ image: 'x', homePath: 'relative' }, 'spec.homePath'],
    [{ image: 'Not An Image' }, 'spec.image'],
    [{ image: 'x', user: 'root; rm -rf /' }, 'spec.user'],
    [{ image: 'x', env: { 'BAD-NAME': '1' } }, 'spec.env.BAD-NAME'],
    [{ image: 'x', ports: [{ port: 70000, name: 'web' }] }, 'spec.ports.0.port'],
    [
      {
        image: 'x',
        ports: [
          { port: 80, name: 'a' },
          { port: 80, name: 'b' },
        ],
      },
      'spec.ports',
    ],
    [{ image: 'x', resources: { memoryMb: 1 } }, 'spec.resources.memoryMb'],
    [{ image: 'x', surprise: 1 }, 'spec.surprise'],
    [{}, 'spec.image'],
    [{ image: 'x', retention: {} }, 'spec.retention.dormantAfterDays'],
    [{ image: 'x', retention: { dormantAfterDays: 0 } }, 'spec.retention.dormantAfterDays'],
    [{ image: 'x', retention: { dormantAfterDays: -1 } }, 'spec.retention.dormantAfterDays'],
    [{ image: 'x', retention: { dormantAfterDays: 3651 } }, 'spec.retention.dormantAfterDays'],
    [{ image: 'x', retention: { dormantAfterDays: '30' } }, 'spec.retention.dormantAfterDays'],
    [{ image: 'x', retention: { dormantAfterDays: 30, deleteAfterDays: 0 } }, 'spec.retention.deleteAfterDays'],
    [{ image: 'x', retention: { dormantAfterDays: 30, deleteAfterDays: 4000 } }, 'spec.retention.deleteAfterDays'],
    [{ image: 'x', retention: { dormantAfterDays: 30, deleteAfterDays: null } }, 'spec.retention.deleteAfterDays'],
    [
      { image: 'x', retention: { dormantAfterDays: 30, deleteAfterDays: 7, deleteVolume: false } },
      'spec.retention.deleteVolume',
    ],
  ])('refuses %j naming %s', (input, field) => {
    expect(fieldOf(input)).toBe(field);
  });

  describe('retention', () => {
    it('is off unless asked for', () => {
      expect(parseTemplateSpec({ image: 'x' }).retention).toBeUndefined();
    });

    it('takes a dormancy threshold alone (dormant only, never deleted by Berth)', () => {
      expect(parseTemplateSpec({ image: 'x', retention: { dormantAfterDays: 30 } }).retention).toEqual({
        dormantAfterDays: 30,
      });
    });

    it('takes a deletion grace period, fractional days (seconds, for tests) and the 10-year bound', () => {
      expect(
        parseTemplateSpec({ image: 'x', retention: { dormantAfterDays: 30, deleteAfterDays: 7 } }).retention,
      ).toEqual({ dormantAfterDays: 30, deleteAfterDays: 7 });
      expect(
        parseTemplateSpec({ image: 'x', retention: { dormantAfterDays: 3 / 86400, deleteAfterDays: 5 / 86400 } })
          .retention,
      ).toEqual({ dormantAfterDays: 3 / 86400, deleteAfterDays: 5 / 86400 });
      expect(
        parseTemplateSpec({ image: 'x', retention: { dormantAfterDays: 3650, deleteAfterDays: 3650 } }).retention,
      ).toEqual({ dormantAfterDays: 3650, deleteAfterDays: 3650 });
    });

    it('says what is wrong with a bad value', () => {
      expect(() => parseTemplateSpec({ image: 'x', retention: { dormantAfterDays: 0 } })).toThrow(
        'spec.retention.dormantAfterDays: must be more than 0 days',
      );
      expect(() =>
        parseTemplateSpec({ image: 'x', retention: { dormantAfterDays: 1, deleteAfterDays: 3651 } }),
      ).toThrow('spec.retention.deleteAfterDays: must be at most 3650 days (10 years)');
    });
  });
});
