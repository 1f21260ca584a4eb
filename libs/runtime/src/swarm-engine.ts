import type Docker from 'dockerode';
import { sleep } from '#common';
import { type BerthConfig } from '#config';
import { BerthError, ErrorCode } from '#domain';
import { LABEL_INSTANCE, LABEL_MANAGED, LABEL_WORKSPACE } from './docker-objects.js';
import { statusCodeOf } from './docker-errors.js';
import { engineCall, type EngineCallOptions } from './engine-call.js';
import { pushForNodes } from './swarm-images.js';
import { listNodes, NNP_REFUSAL } from './swarm-nodes.js';
import { LABEL_SWARM_TASK, serviceName, workspaceNetworkName } from './swarm-service.js';
import { type SwarmTask } from './swarm-tasks.js';

export interface ServiceInfo {
  ID: string;
  Version: { Index: number };
  Spec: Record<string, unknown> & { Labels?: Record<string, string>; Mode?: { Replicated?: { Replicas?: number } } };
}

type Call = <T>(
  what: string,
  options: EngineCallOptions,
  request: (abortSignal: AbortSignal) => Promise<T>,
) => Promise<T>;

/**
 * The Swarm driver's engine requests (services, tasks, networks, nodes), each under the driver's
 * deadline; the driver itself keeps the decisions.
 */
export class SwarmEngine {
  constructor(
    private readonly docker: Docker,
    private readonly config: BerthConfig,
    private readonly call: Call,
    private readonly removeContainerById: (id: string, signal?: AbortSignal) => Promise<void>,
  ) {}

  /** The local image as every node resolves it: by registry digest, or as is on one node (no registry). */
  async imageForNodes(image: string, signal?: AbortSignal): Promise<string> {
    const registry = this.config.BERTH_REGISTRY;
    if (!registry) return image;
    return engineCall(
      'pushing the image to the registry',
      this.config.BERTH_IMAGE_PULL_TIMEOUT_MS,
      { signal, operation: 'pushing an image' },
      (abortSignal) => pushForNodes(this.docker, registry, image, abortSignal),
    );
  }

  async inspectService(workspaceId: string, signal?: AbortSignal): Promise<ServiceInfo | null> {
    try {
      const info = (await this.call('inspecting the service', { signal }, (abortSignal) =>
        this.docker.getService(serviceName(workspaceId)).inspect({ abortSignal }),
      )) as ServiceInfo;
      const labels = info.Spec.Labels ?? {};
      const ours =
        labels[LABEL_MANAGED] === 'true' &&
        labels[LABEL_INSTANCE] === this.config.BERTH_INSTANCE &&
        labels[LABEL_WORKSPACE] === workspaceId;
      return ours ? info : null;
    } catch (error) {
      if (statusCodeOf(error) === 404) return null;
      throw error;
    }
  }

  async ownServices(): Promise<ServiceInfo[]> {
    const label = [`${LABEL_MANAGED}=true`, `${LABEL_INSTANCE}=${this.config.BERTH_INSTANCE}`, LABEL_WORKSPACE];
    return (await this.call('listing services', {}, (abortSignal) =>
      this.docker.listServices({ filters: { label }, abortSignal }),
    )) as unknown as ServiceInfo[];
  }

  async tasksOf(workspaceId: string, signal?: AbortSignal): Promise<SwarmTask[]> {
    return (await this.call('listing tasks', { signal }, (abortSignal) =>
      this.docker.listTasks({ filters: { service: [serviceName(workspaceId)] }, abortSignal }),
    )) as SwarmTask[];
  }

  async createService(spec: Record<string, unknown>, signal?: AbortSignal): Promise<void> {
    await this.call('creating the service', { signal }, (abortSignal) =>
      this.docker.createService({ ...spec, abortSignal } as unknown as Docker.CreateServiceOptions),
    );
  }

  async updateService(service: ServiceInfo, spec: Record<string, unknown>, signal?: AbortSignal): Promise<void> {
    await this.call('updating the service', { signal }, (abortSignal) =>
      this.docker
        .getService(service.ID)
        .update({ _query: { version: service.Version.Index }, _body: spec, abortSignal }),
    );
  }

  async requireNodeUp(nodeId: string, signal?: AbortSignal): Promise<void> {
    const node = (
      await this.call('listing nodes', { signal }, (abortSignal) => listNodes(this.docker, abortSignal))
    ).find((n) => n.id === nodeId);
    if (!node)
      throw new BerthError(
        ErrorCode.RuntimeFailure,
        `the workspace's node ${nodeId} has left the swarm; its home volume is there`,
      );
    if (node.state !== 'ready')
      throw new BerthError(
        ErrorCode.RuntimeFailure,
        `the workspace's node ${node.hostname} (${nodeId}) is ${node.state}; its home volume is there`,
      );
    if (node.nnp === 'refused' && this.config.BERTH_SWARM_REQUIRE_NNP)
      throw new BerthError(
        ErrorCode.RuntimeFailure,
        `the workspace's node ${node.hostname} (${nodeId}) is refused: ${NNP_REFUSAL}`,
      );
  }

  async waitForNoTask(workspaceId: string, signal?: AbortSignal): Promise<void> {
    const until = Date.now() + this.config.BERTH_DOCKER_TIMEOUT_MS + 10_000;
    const live = ['new', 'pending', 'assigned', 'accepted', 'preparing', 'starting', 'running'];
    while ((await this.tasksOf(workspaceId, signal)).some((t) => live.includes(t.Status?.State ?? ''))) {
      if (Date.now() > until)
        throw new BerthError(ErrorCode.RuntimeFailure, "the workspace's task did not stop in time");
      await sleep(200, signal);
    }
  }

  /** Swarm keeps stopped task containers as history; they hold the volume, so they go. */
  async removeTaskContainers(workspaceId: string, signal?: AbortSignal): Promise<void> {
    const label = [
      `${LABEL_WORKSPACE}=${workspaceId}`,
      `${LABEL_INSTANCE}=${this.config.BERTH_INSTANCE}`,
      LABEL_SWARM_TASK,
    ];
    const found = await this.call('listing task containers', { signal }, (abortSignal) =>
      this.docker.listContainers({ all: true, filters: { label }, abortSignal }),
    );
    for (const c of found) await this.removeContainerById(c.Id, signal);
  }

  async ensureWorkspaceNetwork(workspaceId: string, signal?: AbortSignal): Promise<void> {
    const name = workspaceNetworkName(workspaceId);
    const existing = await this.call('listing networks', { signal }, (abortSignal) =>
      this.docker.listNetworks({ filters: { name: [name] }, abortSignal }),
    );
    if (existing.some((n) => n.Name === name)) return;
    const options: Record<string, string> = this.config.BERTH_SWARM_ENCRYPTED ? { encrypted: 'true' } : {};
    await this.call('creating the workspace network', { signal }, (abortSignal) =>
      this.docker.createNetwork({
        Name: name,
        Driver: 'overlay',
        CheckDuplicate: true,
        Options: options,
        Labels: {
          [LABEL_MANAGED]: 'true',
          [LABEL_INSTANCE]: this.config.BERTH_INSTANCE,
          [LABEL_WORKSPACE]: workspaceId,
        },
        abortSignal,
      }),
    ).catch((error: unknown) => {
      if (statusCodeOf(error) !== 409) throw error;
    });
  }
}
