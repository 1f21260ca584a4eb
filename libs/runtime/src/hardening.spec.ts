import { parseTemplateSpec } from '#domain';
import { DEFAULT_COMMAND, hardenedCreateOptions } from './hardening.js';

describe('hardened container options', () => {
  const ws = {
    workspaceId: 'w1',
    ownerId: 'u1',
    hostname: 'main',
    image: 'sha256:abc',
    env: { BERTH_WORKSPACE_ID: 'w1' },
    spec: parseTemplateSpec({
      image: 'berth/busybox:test',
      env: { A: '1', HOME: '/elsewhere' },
      ports: [{ port: 3000, name: 'web' }],
      resources: { cpus: 1.5, memoryMb: 512, pidsLimit: 64 },
    }),
  };
  const options = hardenedCreateOptions(ws, { 'berth.managed': 'true' }, 'berth-workspaces');

  it('drops every capability, forbids privilege gain, runs an init and stays unprivileged', () => {
    expect(options.HostConfig).toMatchObject({
      CapDrop: ['ALL'],
      CapAdd: [],
      SecurityOpt: ['no-new-privileges:true'],
      Init: true,
      Privileged: false,
    });
    expect(options.User).toBe('1000:1000');
    expect(options.HostConfig).not.toHaveProperty('Binds');
  });

  it('limits pids, memory (without extra swap) and CPU', () => {
    expect(options.HostConfig).toMatchObject({
      PidsLimit: 64,
      Memory: 512 * 1024 * 1024,
      MemorySwap: 512 * 1024 * 1024,
      NanoCpus: 1.5e9,
    });
  });

  it('mounts only the workspace volume, named from the id, at homePath', () => {
    expect(options.HostConfig.Mounts).toEqual([
      { Type: 'volume', Source: 'berth-ws-w1-home', Target: '/home/dev', VolumeOptions: { NoCopy: true } },
      { Type: 'volume', Source: 'berth-tools-2', Target: '/.berth', ReadOnly: true },
    ]);
    expect(options.WorkingDir).toBe('/home/dev');
    expect(options.Env).toEqual(expect.arrayContaining(['A=1', 'HOME=/home/dev', 'BERTH_WORKSPACE_ID=w1']));
  });

  it('publishes ports on 127.0.0.1 only, on the isolated workspace network', () => {
    expect(options.HostConfig.PortBindings).toEqual({ '3000/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
    expect(options.HostConfig.NetworkMode).toBe('berth-workspaces');
  });

  it("keeps the container alive with Berth's own sleep (not the image's) unless the template says otherwise", () => {
    expect(options.Cmd).toEqual(DEFAULT_COMMAND);
    expect(DEFAULT_COMMAND[0]).toBe('/.berth/busybox');
  });

  it('runs the pinned image id, not a tag that could move', () => {
    expect(options.Image).toBe('sha256:abc');
  });
});
