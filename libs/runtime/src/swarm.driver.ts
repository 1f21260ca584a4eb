import { Injectable } from '@nestjs/common';
import { type Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { sleep } from '#common';
import { BerthError, ErrorCode } from '#domain';
import { DockerDriver } from './docker.driver.js';
import { LABEL_WORKSPACE, TOOLS_DIR, containerName } from './docker-objects.js';
import { statusCodeOf } from './docker-errors.js';
import { SwarmEngine, type ServiceInfo } from './swarm-engine.js';
import { type PortConnectRequest } from './port-connection.js';
import {
  listNodes,
  probeUncheckedNodes,
  refusedNodes,
  setNodeCordon,
  type RefusedNode,
  type SwarmNodeView,
} from './swarm-nodes.js';
import {
  LABEL_NODE,
  LABEL_PORTS,
  LABEL_SWARM_TASK,
  workspaceNetworkName,
  workspaceServiceSpec,
} from './swarm-service.js';
import { listeningPorts, newestTask, taskFailure, type SwarmTask } from './swarm-tasks.js';
import {
  type ContainerState,
  type RuntimeInfo,
  type RuntimeNode,
  type RuntimeWorkspace,
  type WorkspaceRuntimeSpec,
} from './runtime.driver.js';

/**
 * Workspaces as Swarm services (docs/scale-out.md): one replica running, none stopped; the service
 * lives as long as the home volume and carries its node pin. Everything that happens inside a
 * running workspace (exec, terminal, ports, stats, snapshots) goes through the task's container,
 * so it is the Docker driver's code against that container. Built for tasks on the local node;
 * a task on another node needs that node's engine client (planned, see the doc).
 */
@Injectable()
export class SwarmDriver extends DockerDriver {
  override readonly kind: string = 'swarm';
  private readonly engine = new SwarmEngine(
    this.docker,
    this.config,
    (what, options, request) => this.call(what, options, request),
    (id, signal) => this.removeContainerById(id, signal),
  );

  override async prepareVolume(ws: WorkspaceRuntimeSpec, signal?: AbortSignal): Promise<void> {
    // The Docker driver prepares through a created, never started, container of the workspace's
    // name; here that container is only a helper, removed once the volume is filled and owned.
    await this.removeContainerById(containerName(ws.workspaceId), signal);
    await super.prepareVolume(ws, signal);
    await this.removeContainerById(containerName(ws.workspaceId), signal);
  }

  override async findContainer(workspaceId: string, signal?: AbortSignal): Promise<ContainerState | null> {
    const service = await this.engine.inspectService(workspaceId, signal);
    if (!service || replicasOf(service) === 0) return null;
    const task = newestTask(await this.engine.tasksOf(workspaceId, signal));
    const containerId = task?.Status?.ContainerStatus?.ContainerID;
    if (task?.Status?.State !== 'running' || !containerId) return { id: service.ID, running: false, ports: [] };
    return { id: containerId, running: true, ports: portsOf(service) };
  }

  override async startContainer(ws: WorkspaceRuntimeSpec, signal?: AbortSignal): Promise<ContainerState> {
    const running = await this.findContainer(ws.workspaceId, signal);
    if (running?.running) return running;
    await this.call('checking the nodes', { signal }, (abortSignal) =>
      probeUncheckedNodes(this.docker, this.config.BERTH_INSTANCE, abortSignal),
    );
    await Promise.all([this.ensureTools(), this.engine.ensureWorkspaceNetwork(ws.workspaceId, signal)]);
    const existing = await this.engine.inspectService(ws.workspaceId, signal);
    const pinnedNode = existing?.Spec.Labels?.[LABEL_NODE] ?? null;
    if (pinnedNode) await this.engine.requireNodeUp(pinnedNode, signal);
    const spec = workspaceServiceSpec(ws, this.labels(ws.workspaceId, ws.ownerId), {
      image: await this.engine.imageForNodes(ws.image, signal),
      replicas: 1,
      pinnedNode,
      requireNnp: this.config.BERTH_SWARM_REQUIRE_NNP,
      extraMounts: await this.editorMounts(),
    });
    if (existing) await this.engine.updateService(existing, spec, signal);
    else await this.engine.createService(spec, signal);
    const task = await this.waitForTask(ws.workspaceId, signal);
    if (!pinnedNode && task.NodeID) await this.pin(ws.workspaceId, task.NodeID, signal);
    const state = await this.findContainer(ws.workspaceId, signal);
    if (!state?.running)
      throw new BerthError(ErrorCode.RuntimeFailure, "the workspace's task stopped right after it started");
    return state;
  }

  override async closedPorts(workspaceId: string, ports: number[], signal?: AbortSignal): Promise<number[]> {
    const found = await this.findContainer(workspaceId, signal);
    if (!found?.running) throw new BerthError(ErrorCode.RuntimeFailure, "the workspace's task is not running");
    // The overlay address is not reachable from the host: the container reads its own socket table.
    let table = '';
    const cmd = [`${TOOLS_DIR}/busybox`, 'cat', '/proc/net/tcp', '/proc/net/tcp6'];
    await this.exec(workspaceId, { cmd, user: '', workdir: '/', timeoutMs: 10_000, signal }, (stream, lines) => {
      if (stream === 'stdout') table += `${lines.join('\n')}\n`;
    });
    const listening = listeningPorts(table);
    return ports.filter((p) => !listening.has(p));
  }

  override async connectToPort(workspaceId: string, port: number, req: PortConnectRequest): Promise<Duplex> {
    const service = await this.engine.inspectService(workspaceId, req.signal);
    if (!service || !(await this.findContainer(workspaceId, req.signal))?.running)
      throw new BerthError(ErrorCode.Conflict, 'the workspace is not running');
    if (req.reach === 'published' && !portsOf(service).some((p) => p.port === port))
      throw new BerthError(ErrorCode.NotFound, `the workspace publishes no port ${port}`);
    // Nothing is published on any node's interfaces (Swarm would bind 0.0.0.0): always through the container.
    return super.connectToPort(workspaceId, port, { ...req, reach: 'loopback' });
  }

  override async removeContainer(workspaceId: string, signal?: AbortSignal): Promise<void> {
    const service = await this.engine.inspectService(workspaceId, signal);
    if (service && replicasOf(service) > 0)
      await this.engine.updateService(service, { ...service.Spec, Mode: { Replicated: { Replicas: 0 } } }, signal);
    if (service) await this.engine.waitForNoTask(workspaceId, signal);
    await this.engine.removeTaskContainers(workspaceId, signal);
  }

  override async discard(workspaceId: string): Promise<void> {
    await this.removeContainer(workspaceId);
    await super.discard(workspaceId);
  }

  override async removeLeftovers(workspaceId: string): Promise<void> {
    await super.removeLeftovers(workspaceId);
    await this.removeContainerById(containerName(workspaceId));
  }

  override async removeVolume(workspaceId: string, signal?: AbortSignal): Promise<void> {
    // The service holds the pin: it goes with the volume, and with nothing else.
    const service = await this.engine.inspectService(workspaceId, signal);
    if (service) {
      await this.removeContainer(workspaceId, signal);
      await this.call('removing the service', { signal }, (abortSignal) =>
        this.docker.getService(service.ID).remove({ abortSignal }),
      ).catch((error: unknown) => {
        if (statusCodeOf(error) !== 404) throw error;
      });
    }
    await this.call('removing the workspace network', { signal }, (abortSignal) =>
      this.docker.getNetwork(workspaceNetworkName(workspaceId)).remove({ abortSignal }),
    ).catch((error: unknown) => {
      if (statusCodeOf(error) !== 404) throw error;
    });
    await super.removeVolume(workspaceId, signal);
  }

  override async listWorkspaces(): Promise<RuntimeWorkspace[]> {
    const [services, tasks, leftovers] = await Promise.all([
      this.engine.ownServices(),
      this.call('listing tasks', {}, (abortSignal) =>
        this.docker.listTasks({ filters: { 'desired-state': ['running'] }, abortSignal }),
      ) as Promise<SwarmTask[]>,
      super.listWorkspaces(),
    ]);
    const byWorkspace = new Map<string, RuntimeWorkspace>();
    // The Docker driver's listing sees only helpers here (task containers are excluded below).
    // A container of the workspace's own name is only a volume-preparing helper here.
    for (const w of leftovers)
      byWorkspace.set(w.workspaceId, { ...w, instance: null, leftovers: w.leftovers + (w.instance ? 1 : 0) });
    for (const s of services) {
      const workspaceId = s.Spec.Labels?.[LABEL_WORKSPACE];
      if (!workspaceId || replicasOf(s) === 0) continue;
      const task = newestTask(tasks.filter((t) => t.ServiceID === s.ID));
      const entry = byWorkspace.get(workspaceId) ?? { workspaceId, instance: null, leftovers: 0 };
      const state = task?.Status?.State ?? 'pending';
      entry.instance = {
        running: state === 'running',
        status: `task ${state}${task?.Status?.Err ? `: ${task.Status.Err}` : ''}`,
      };
      byWorkspace.set(workspaceId, entry);
    }
    return [...byWorkspace.values()].filter((w) => w.instance || w.leftovers > 0);
  }

  override async info(): Promise<RuntimeInfo & { refusedNodes: RefusedNode[] }> {
    const [engine, refused] = await Promise.all([
      super.info(),
      this.call('listing nodes', {}, () => refusedNodes(this.docker)),
    ]);
    return { ...engine, refusedNodes: refused };
  }

  override async nodes(): Promise<RuntimeNode[]> {
    const [nodes, services] = await Promise.all([
      this.call('listing nodes', {}, (abortSignal) => listNodes(this.docker, abortSignal)),
      this.engine.ownServices(),
    ]);
    return nodes.map((n) => nodeView(n, services));
  }

  override async cordonNode(nodeId: string, cordoned: boolean, reason?: string): Promise<RuntimeNode> {
    const known = (await this.nodes()).some((n) => n.id === nodeId);
    if (!known) throw new BerthError(ErrorCode.NotFound, `no node ${nodeId} in this swarm`);
    const why = cordoned ? reason?.trim() || 'cordoned by an admin' : null;
    await this.call('cordoning the node', {}, (abortSignal) => setNodeCordon(this.docker, nodeId, why, abortSignal));
    const node = (await this.nodes()).find((n) => n.id === nodeId);
    if (!node) throw new BerthError(ErrorCode.NotFound, `no node ${nodeId} in this swarm`);
    return node;
  }

  /** Task containers are the service's: never the Docker driver's instance or leftover. */
  protected override listsContainer(info: Docker.ContainerInfo): boolean {
    return !info.Labels[LABEL_SWARM_TASK];
  }

  /** Records the node on the service (a label: no task restart); the next start constrains to it. */
  private async pin(workspaceId: string, nodeId: string, signal?: AbortSignal): Promise<void> {
    const service = await this.engine.inspectService(workspaceId, signal);
    if (!service) return;
    const labels = { ...service.Spec.Labels, [LABEL_NODE]: nodeId };
    await this.engine.updateService(service, { ...service.Spec, Labels: labels }, signal);
  }

  /** Until the newest task runs; a task that failed, or that no node accepts, fails the start. */
  private async waitForTask(workspaceId: string, signal?: AbortSignal): Promise<SwarmTask> {
    const until = Date.now() + this.config.BERTH_DOCKER_TIMEOUT_MS;
    for (;;) {
      const tasks = await this.engine.tasksOf(workspaceId, signal);
      const task = newestTask(tasks);
      if (task?.Status?.State === 'running') return task;
      const failure = taskFailure(task, await this.call('listing nodes', { signal }, (s) => listNodes(this.docker, s)));
      if (failure || Date.now() > until) {
        await this.removeContainer(workspaceId, signal);
        throw new BerthError(ErrorCode.RuntimeFailure, failure ?? "the workspace's task did not start in time");
      }
      await sleep(200, signal);
    }
  }
}

function nodeView(n: SwarmNodeView, services: ServiceInfo[]): RuntimeNode {
  const pinned = services.filter((s) => s.Spec.Labels?.[LABEL_NODE] === n.id);
  return {
    id: n.id,
    hostname: n.hostname,
    state: n.state,
    cordoned: n.availability !== 'active',
    cordonReason: n.cordonReason,
    nanoCpus: n.nanoCpus,
    memoryBytes: n.memoryBytes,
    workspaces: pinned.length,
    running: pinned.filter((s) => replicasOf(s) > 0).length,
    hardening: n.nnp === 'ok' || n.nnp === 'refused' ? n.nnp : 'unchecked',
  };
}

function replicasOf(service: ServiceInfo): number {
  return service.Spec.Mode?.Replicated?.Replicas ?? 0;
}

/** The template's published ports (kept on the service); none is bound on a host (hostPort 0). */
function portsOf(service: ServiceInfo): ContainerState['ports'] {
  const csv = service.Spec.Labels?.[LABEL_PORTS] ?? '';
  return csv
    .split(',')
    .filter(Boolean)
    .map((p) => ({ port: Number(p), name: '', hostPort: 0 }));
}
