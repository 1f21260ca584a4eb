import { configSchema } from '#config';
import {
  DockerDriver,
  LABEL_INSTANCE,
  LABEL_WORKSPACE,
  ROLE_VOLUME_HELPER,
  LABEL_ROLE,
  ROLE_BUILD_STEP,
} from '#runtime';
import { runtimeDriverContract, testDocker } from '#testing';
import { randomUUID } from 'node:crypto';
import { testEnv } from '../setup/test-env.js';

/**
 * The RuntimeDriver contract against the real engine. An instance label of its own: the suite's
 * worker reconciles its own instance, and would take these workspaces (in no database) for orphans.
 */
const env = testEnv();
const instance = `${env.BERTH_INSTANCE}-contract`.slice(0, 40);
const config = configSchema.parse({ ...env, BERTH_INSTANCE: instance });
const driver = new DockerDriver(config);

runtimeDriverContract('docker', {
  driver: () => driver,
  image: 'berth/busybox:test',
  async labelsOf(workspaceId) {
    const docker = testDocker();
    const filters = { label: [`${LABEL_WORKSPACE}=${workspaceId}`, `${LABEL_INSTANCE}=${instance}`] };
    const containers = await docker.listContainers({ all: true, filters });
    const { Volumes } = await docker.listVolumes({ filters });
    return [...containers.map((c) => c.Labels), ...(Volumes ?? []).map((v) => v.Labels)];
  },
});

describe('DockerDriver: what the reconciler sees', () => {
  it('a never-started volume helper left by a crash is a leftover of its workspace, never a workspace', async () => {
    const workspaceId = randomUUID();
    const helper = await testDocker().createContainer({
      Image: 'berth/busybox:test',
      Cmd: ['/'],
      Labels: {
        'berth.managed': 'true',
        [LABEL_WORKSPACE]: workspaceId,
        'berth.owner.id': randomUUID(),
        [LABEL_INSTANCE]: instance,
        [LABEL_ROLE]: ROLE_VOLUME_HELPER,
      },
    });
    expect((await driver.listWorkspaces()).filter((w) => w.workspaceId === workspaceId)).toEqual([
      { workspaceId, instance: null, leftovers: 1 },
    ]);
    await driver.removeLeftovers(workspaceId);
    expect((await driver.listWorkspaces()).some((w) => w.workspaceId === workspaceId)).toBe(false);
    await expect(helper.inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('a sealed build step (no workspace) is not listed at all', async () => {
    const before = await driver.listWorkspaces();
    const step = await testDocker().createContainer({
      Image: 'berth/busybox:test',
      Cmd: ['/'],
      Labels: { 'berth.managed': 'true', [LABEL_INSTANCE]: instance, [LABEL_ROLE]: ROLE_BUILD_STEP },
    });
    try {
      expect(await driver.listWorkspaces()).toEqual(before);
    } finally {
      await step.remove({ force: true });
    }
  });
});
