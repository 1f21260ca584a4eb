import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import type Docker from 'dockerode';
import { configSchema } from '#config';
import { parseTemplateSpec } from '#domain';
import {
  LABEL_INSTANCE,
  LABEL_NODE,
  LABEL_WORKSPACE,
  SwarmDriver,
  serviceName,
  setNodeLabel,
  type WorkspaceRuntimeSpec,
} from '#runtime';
import { runtimeDriverContract, testDocker } from '#testing';
import { testEnv } from '../setup/test-env.js';

/**
 * The RuntimeDriver contract against a single-node swarm made by scripts/swarm.sh on the local
 * engine. The shared engine here runs without the no-new-privileges default and cannot be
 * restarted with it, so the contract runs with the refusal off; the last tests turn it on and
 * see this very node refused, by name.
 */
// npm test makes the swarm (scripts/test.sh); a direct jest run makes it here, the same way.
const nodeId =
  process.env.BERTH_TEST_SWARM_NODE ?? execFileSync('bash', ['scripts/swarm.sh'], { encoding: 'utf8' }).trim();
const env = testEnv();
const instance = `${env.BERTH_INSTANCE}-swarm`.slice(0, 40);
const config = configSchema.parse({ ...env, BERTH_INSTANCE: instance, BERTH_SWARM_REQUIRE_NNP: 'false' });
const driver = new SwarmDriver(config);

async function labelsOf(workspaceId: string): Promise<Record<string, string>[]> {
  const docker = testDocker();
  const filters = { label: [`${LABEL_WORKSPACE}=${workspaceId}`, `${LABEL_INSTANCE}=${instance}`] };
  const containers = await docker.listContainers({ all: true, filters });
  const { Volumes } = await docker.listVolumes({ filters });
  const services = (await docker.listServices({ filters })) as { Spec: { Labels: Record<string, string> } }[];
  return [
    ...containers.map((c) => c.Labels),
    ...(Volumes ?? []).map((v) => v.Labels),
    ...services.map((s) => s.Spec.Labels),
  ];
}

runtimeDriverContract('swarm', { driver: () => driver, image: 'berth/busybox:test', labelsOf });

describe('SwarmDriver on a single-node swarm', () => {
  const made: string[] = [];
  const ownerId = randomUUID();
  const workspace = (): WorkspaceRuntimeSpec => {
    const workspaceId = randomUUID();
    made.push(workspaceId);
    const spec = parseTemplateSpec({ image: 'berth/busybox:test', user: '1000:1000', capAdd: ['CHOWN'] });
    return {
      workspaceId,
      ownerId,
      hostname: `swarm-${workspaceId.slice(0, 8)}`,
      image: 'berth/busybox:test',
      spec,
      env: {},
    };
  };
  const inspect = async (id: string): Promise<{ Spec: Record<string, unknown> & { Labels: Record<string, string> } }> =>
    (await testDocker().getService(serviceName(id)).inspect()) as never;

  afterAll(async () => {
    for (const id of made) {
      await driver.discard(id);
      await driver.removeVolume(id);
    }
  });

  it('a workspace is a hardened service, pinned to its node after the first start; stop keeps the pin', async () => {
    const ws = workspace();
    await driver.ensureVolume(ws.workspaceId, ws.ownerId);
    await driver.prepareVolume(ws);
    const started = await driver.startContainer(ws);
    const service = await inspect(ws.workspaceId);
    expect(service.Spec.Labels[LABEL_NODE]).toBe(nodeId);
    const task = service.Spec.TaskTemplate as {
      ContainerSpec: Record<string, unknown>;
      Resources: { Limits: Record<string, number> };
    };
    expect(task.ContainerSpec).toMatchObject({
      User: '1000:1000',
      Init: true,
      CapabilityDrop: ['ALL'],
      CapabilityAdd: ws.spec.capAdd,
    });
    expect(task.Resources.Limits).toMatchObject({ Pids: ws.spec.resources.pidsLimit, MemoryBytes: 2048 * 1024 * 1024 });
    // The running container really carries it: the engine's view of the task's container.
    const container = await testDocker().getContainer(started.id).inspect();
    expect(container.HostConfig).toMatchObject({
      CapDrop: ['ALL'],
      PidsLimit: ws.spec.resources.pidsLimit,
      Init: true,
    });
    expect(container.Config.User).toBe('1000:1000');

    await driver.removeContainer(ws.workspaceId);
    expect((await inspect(ws.workspaceId)).Spec.Labels[LABEL_NODE]).toBe(nodeId);
    await driver.startContainer(ws);
    const constraints = ((await inspect(ws.workspaceId)).Spec.TaskTemplate as { Placement: { Constraints: string[] } })
      .Placement.Constraints;
    expect(constraints).toContain(`node.id==${nodeId}`);
  });

  it('workspaces get a network each: one cannot reach another, though each reaches itself', async () => {
    const [a, b] = [workspace(), workspace()];
    b.spec = { ...b.spec, command: ['sh', '-c', 'nc -ll -p 8000 -e echo hello & wait'] };
    for (const ws of [a, b]) {
      await driver.ensureVolume(ws.workspaceId, ws.ownerId);
      await driver.prepareVolume(ws);
      await driver.startContainer(ws);
    }
    while ((await driver.closedPorts(b.workspaceId, [8000])).length > 0) await new Promise((r) => setTimeout(r, 100));
    const bContainer = await testDocker()
      .getContainer((await driver.findContainer(b.workspaceId))!.id)
      .inspect();
    const addresses = Object.values(bContainer.NetworkSettings.Networks)
      .map((n) => n.IPAddress)
      .filter(Boolean);
    expect(addresses.length).toBeGreaterThan(0);
    const dial = async (from: string, address: string): Promise<string> => {
      let out = '';
      const cmd = ['sh', '-c', `nc -w 2 ${address} 8000 </dev/null`];
      await driver.exec(from, { cmd, user: '', workdir: '/', timeoutMs: 20_000 }, (stream, lines) => {
        if (stream === 'stdout') out += lines.join('\n');
      });
      return out;
    };
    for (const address of addresses) {
      expect(await dial(b.workspaceId, address)).toBe('hello');
      expect(await dial(a.workspaceId, address)).toBe('');
    }
  });

  it('with a registry, the service runs the image by digest, as every node would pull it', async () => {
    const registry = process.env.BERTH_TEST_REGISTRY ?? '127.0.0.1:5000';
    const viaRegistry = new SwarmDriver(
      configSchema.parse({
        ...env,
        BERTH_INSTANCE: instance,
        BERTH_SWARM_REQUIRE_NNP: 'false',
        BERTH_REGISTRY: registry,
      }),
    );
    const ws = workspace();
    await viaRegistry.ensureVolume(ws.workspaceId, ws.ownerId);
    await viaRegistry.prepareVolume(ws);
    await viaRegistry.startContainer(ws);
    const task = (await inspect(ws.workspaceId)).Spec.TaskTemplate as { ContainerSpec: { Image: string } };
    expect(task.ContainerSpec.Image).toMatch(
      new RegExp(`^${registry.replaceAll('.', '\\.')}/berth/workspace@sha256:[0-9a-f]{64}$`),
    );
    const local = await testDocker().getImage('berth/busybox:test').inspect();
    expect(local.RepoDigests).toContain(task.ContainerSpec.Image);
  });

  it('with no-new-privileges required, a node without it as daemon default is refused, by name', async () => {
    const docker: Docker = testDocker();
    // Forget an earlier verdict so the probe runs for real on this node.
    await setNodeLabel(docker, nodeId, null);
    const strict = new SwarmDriver(
      configSchema.parse({ ...env, BERTH_INSTANCE: instance, BERTH_SWARM_REQUIRE_NNP: 'true' }),
    );
    const ws = workspace();
    await strict.ensureVolume(ws.workspaceId, ws.ownerId);
    await strict.prepareVolume(ws);
    await expect(strict.startContainer(ws)).rejects.toThrow(/no node can run the workspace: .*refused for hardening: /);
    const info = await strict.info();
    expect(info.refusedNodes).toEqual([
      expect.objectContaining({ id: nodeId, reason: expect.stringContaining('no-new-privileges') as string }),
    ]);
    expect(await strict.findContainer(ws.workspaceId)).toBeNull();
  });
});
