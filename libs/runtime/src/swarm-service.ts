import { hardenedCreateOptions } from './hardening.js';
import { containerName } from './docker-objects.js';
import { type WorkspaceRuntimeSpec } from './runtime.driver.js';

/** On a workspace's service: the node its home volume lives on, once it first ran (the pin). */
export const LABEL_NODE = 'berth.node';
/** On a workspace's service: the container ports its template publishes (comma-separated). */
export const LABEL_PORTS = 'berth.ports';
/** On a node: the result of Berth's no-new-privileges probe, `ok` or `refused`. */
export const NODE_LABEL_NNP = 'berth.nnp';
/** Set by Swarm on every task's container. */
export const LABEL_SWARM_TASK = 'com.docker.swarm.task.id';
export const LABEL_SWARM_SERVICE = 'com.docker.swarm.service.name';

export const serviceName = containerName;
export const workspaceNetworkName = (workspaceId: string): string => `${containerName(workspaceId)}-net`;

export interface ServiceOptions {
  /** The image as every node resolves it: `registry/repo@sha256:…`, or a local id on one node. */
  image: string;
  replicas: 0 | 1;
  /** The node holding the home volume; null before the first placement. */
  pinnedNode: string | null;
  /** Only nodes whose probe found no-new-privileges as the daemon default. */
  requireNnp: boolean;
  /** Read-only extras beside the home and the toolset (the browser editor). */
  extraMounts: { Type: 'volume'; Source: string; Target: string; ReadOnly: true }[];
}

/**
 * The Swarm service of one workspace, translated from the Docker driver's hardened create options
 * so the hardening stays defined in one place (hardening.ts). What a 1.41 service spec cannot say
 * (no-new-privileges, MemorySwap, the 127.0.0.1 port bindings) is enforced otherwise: the node
 * probe and placement constraint, and ports reached only through the container (never published).
 */
export function workspaceServiceSpec(
  ws: WorkspaceRuntimeSpec,
  labels: Record<string, string>,
  options: ServiceOptions,
): Record<string, unknown> {
  const network = workspaceNetworkName(ws.workspaceId);
  const create = hardenedCreateOptions(ws, labels, network);
  const host = create.HostConfig;
  const constraints: string[] = [];
  if (options.requireNnp) constraints.push(`node.labels.${NODE_LABEL_NNP}==ok`);
  if (options.pinnedNode) constraints.push(`node.id==${options.pinnedNode}`);
  const serviceLabels: Record<string, string> = {
    ...labels,
    [LABEL_PORTS]: ws.spec.ports.map((p) => p.port).join(','),
  };
  if (options.pinnedNode) serviceLabels[LABEL_NODE] = options.pinnedNode;
  return {
    Name: serviceName(ws.workspaceId),
    Labels: serviceLabels,
    TaskTemplate: {
      ContainerSpec: {
        Image: options.image,
        Labels: labels,
        // Args, not Command: like a container's Cmd, the image's entrypoint (if any) stays.
        Args: create.Cmd,
        Hostname: create.Hostname,
        Env: create.Env,
        Dir: create.WorkingDir,
        User: create.User,
        Init: host.Init,
        StopGracePeriod: create.StopTimeout * 1e9,
        // The labels go with the mount so that a node creating the volume at first placement labels it as Berth would.
        Mounts: [...host.Mounts, ...options.extraMounts].map((m) => ({
          Type: m.Type,
          Source: m.Source,
          Target: m.Target,
          ReadOnly: m.ReadOnly ?? false,
          VolumeOptions: {
            NoCopy: 'VolumeOptions' in m ? (m.VolumeOptions?.NoCopy ?? true) : true,
            Labels: m.ReadOnly ? {} : labels,
          },
        })),
        CapabilityDrop: host.CapDrop,
        CapabilityAdd: host.CapAdd,
      },
      Resources: {
        Limits: { NanoCPUs: host.NanoCpus, MemoryBytes: host.Memory, Pids: host.PidsLimit },
        // Memory is what a node cannot overcommit: Swarm places by it. CPU is shared, as on one host.
        Reservations: { MemoryBytes: host.Memory },
      },
      RestartPolicy: { Condition: 'any', Delay: 5e9 },
      Placement: { Constraints: constraints },
      Networks: [{ Target: network }],
      LogDriver: { Name: host.LogConfig.Type, Options: host.LogConfig.Config },
    },
    Mode: { Replicated: { Replicas: options.replicas } },
    // No virtual IP and no published port: nothing reaches a workspace but through its container.
    EndpointSpec: { Mode: 'dnsrr' },
  };
}
