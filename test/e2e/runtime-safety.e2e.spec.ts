import net from 'node:net';
import {
  ApiClient,
  containersOf,
  createDeveloper,
  dockerExec,
  signIn,
  testAdmin,
  testDocker,
  uniqueName,
} from '#testing';
import { testEnv } from '../setup/test-env.js';

/** What the engine itself enforces: loopback-only ports, isolated workspaces, clear image errors. */
describe('runtime safety (real Docker)', () => {
  let admin: ApiClient;
  let dev: ApiClient;
  const cleanup: string[] = [];

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    ({ client: dev } = await createDeveloper(admin));
  });

  afterAll(async () => {
    for (const id of cleanup) await dev.delete(`/workspaces/${id}`);
    for (const id of cleanup) await dev.waitForGone(id);
  });

  const createTemplate = async (spec: object): Promise<string> => {
    const res = await admin.post('/templates', { name: uniqueName('safety'), spec });
    expect(res.status).toBe(201);
    return (res.body as { id: string }).id;
  };

  const readBanner = (port: number, host = '127.0.0.1'): Promise<string> =>
    new Promise((resolve, reject) => {
      const socket = net.connect({ host, port }, () => undefined);
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
      socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
    });

  it('publishes ports on 127.0.0.1 only, and one workspace cannot reach another', async () => {
    // A persistent server (nc -ll): every connection gets the banner, with no gap between two.
    const templateId = await createTemplate({
      image: 'berth/busybox:test',
      ports: [{ port: 8000, name: 'banner' }],
      command: [
        'sh',
        '-c',
        'printf \'#!/bin/sh\\necho "banner from $BERTH_WORKSPACE_NAME"\\n\' > ~/banner && chmod +x ~/banner && exec nc -ll -p 8000 -e ~/banner',
      ],
    });
    const [a, b] = await Promise.all(
      ['svc-a', 'svc-b'].map(
        async (name) => ((await dev.post('/workspaces', { name, templateId })).body as { id: string }).id,
      ),
    );
    cleanup.push(a!, b!);
    // `running` promises that the template's command accepts connections on its declared ports.
    const running = await dev.waitForStatus(a!, 'running');
    await dev.waitForStatus(b!, 'running');
    const builds = (await dev.get(`/workspaces/${a!}/builds`)).body as { stages: Record<string, number> }[];
    expect(Object.keys(builds[0]!.stages)).toContain('ports');

    const hostPort = (running.ports as { hostPort: number }[])[0]!.hostPort;
    expect(await readBanner(hostPort)).toBe('banner from svc-a\n');

    const [containerA] = await containersOf(a!);
    const [containerB] = await containersOf(b!);
    const infoA = await testDocker().getContainer(containerA!.Id).inspect();
    const ipA = infoA.NetworkSettings.Networks[testEnv().BERTH_WORKSPACE_NETWORK!]!.IPAddress;
    expect(ipA).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const ipB = (await testDocker().getContainer(containerB!.Id).inspect()).NetworkSettings.Networks[
      testEnv().BERTH_WORKSPACE_NETWORK!
    ]!.IPAddress;
    // Controls: the host, which may reach workspaces, reaches A on the workspace network; A reaches
    // its own listener; B's networking works (it reaches its own). Only then is "B cannot reach A" news.
    expect(await readBanner(8000, ipA)).toBe('banner from svc-a\n');
    expect(await dockerExec(containerA!.Id, ['sh', '-c', `nc -w 3 ${ipA} 8000 </dev/null`])).toBe(
      'banner from svc-a\n',
    );
    expect(await dockerExec(containerB!.Id, ['sh', '-c', `nc -w 3 ${ipB} 8000 </dev/null`])).toBe(
      'banner from svc-b\n',
    );
    await expect(
      dockerExec(containerB!.Id, ['sh', '-c', `nc -w 3 ${ipA} 8000 </dev/null | grep banner`]),
    ).rejects.toThrow(/exited 1/);
  });

  it('fails the start with a clear error when the image is missing and cannot be pulled', async () => {
    // A registry on a closed loopback port: the pull is attempted and refused without leaving the machine.
    const templateId = await createTemplate({ image: '127.0.0.1:5999/berth/missing:1' });
    const res = await dev.post('/workspaces', { name: uniqueName('noimage'), templateId });
    const id = (res.body as { id: string }).id;
    cleanup.push(id);
    const failed = await dev.waitForStatus(id, 'failed');
    // Whichever pulled first (the version's build job or this start) recorded the same cause.
    expect(failed.lastError).toMatch(
      /image 127\.0\.0\.1:5999\/berth\/missing:1 is not available locally and could not be pulled: .*connection refused/,
    );
    const builds = (await dev.get(`/workspaces/${id}/builds`)).body as { status: string; errorCode: string }[];
    expect(builds[0]).toMatchObject({ status: 'failed', errorCode: 'image_unavailable' });
    expect(await containersOf(id)).toHaveLength(0);
  });

  it('fails the start with the exit code when the start script fails, and can be stopped and started again', async () => {
    const templateId = await createTemplate({ image: 'berth/busybox:test', startScript: 'echo about to fail; exit 7' });
    const id = ((await dev.post('/workspaces', { name: uniqueName('badscript'), templateId })).body as { id: string })
      .id;
    cleanup.push(id);
    const failed = await dev.waitForStatus(id, 'failed');
    expect(failed.lastError).toMatch(/^startScript exited with code 7: .*about to fail/);
    expect((await dev.post(`/workspaces/${id}/stop`)).status).toBe(202);
    await dev.waitForStatus(id, 'stopped');
    expect(await containersOf(id)).toHaveLength(0);
  });
});
