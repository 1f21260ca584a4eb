import type Docker from 'dockerode';
import { sleep } from '#common';
import { LABEL_INSTANCE, LABEL_MANAGED, LABEL_ROLE, TOOLS_IMAGE } from './docker-objects.js';
import { statusCodeOf } from './docker-errors.js';
import { NODE_LABEL_NNP } from './swarm-service.js';

/** What Berth knows of one swarm node (the admin's view and the placement check). */
export interface SwarmNodeView {
  id: string;
  hostname: string;
  /** Swarm's words: ready, down, unknown, disconnected. */
  state: string;
  /** active, pause (cordoned), drain. */
  availability: string;
  nanoCpus: number;
  memoryBytes: number;
  /** ok, refused, or null while not probed yet. */
  nnp: string | null;
  cordonReason: string | null;
}

export interface RefusedNode {
  id: string;
  hostname: string;
  reason: string;
}

/** On a node: why an admin (or Berth, after repeated failures) cordoned it. */
export const NODE_LABEL_CORDON_REASON = 'berth.cordon.reason';

export const NNP_REFUSAL =
  'no-new-privileges is not the daemon default on this node ("no-new-privileges": true in daemon.json)';
const ROLE_NNP_PROBE = 'nnp-probe';
/** The probe's command: exit 0 only when the process runs with no_new_privs set by the engine. */
const PROBE_COMMAND = ['/.berth/busybox', 'grep', '-q', '^NoNewPrivs:[[:space:]]*1', '/proc/self/status'];
const PROBE_DEADLINE_MS = 30_000;

interface NodeInfo {
  ID: string;
  Version: { Index: number };
  Spec: { Labels?: Record<string, string>; Availability?: string; Role?: string; Name?: string };
  Description?: { Hostname?: string; Resources?: { NanoCPUs?: number; MemoryBytes?: number } };
  Status?: { State?: string };
}

export async function listNodes(docker: Docker, signal?: AbortSignal): Promise<SwarmNodeView[]> {
  const nodes = (await docker.listNodes({ abortSignal: signal })) as NodeInfo[];
  return nodes.map((n) => ({
    id: n.ID,
    hostname: n.Description?.Hostname ?? n.ID,
    state: n.Status?.State ?? 'unknown',
    availability: n.Spec.Availability ?? 'active',
    nanoCpus: n.Description?.Resources?.NanoCPUs ?? 0,
    memoryBytes: n.Description?.Resources?.MemoryBytes ?? 0,
    nnp: n.Spec.Labels?.[NODE_LABEL_NNP] ?? null,
    cordonReason: n.Spec.Labels?.[NODE_LABEL_CORDON_REASON] ?? null,
  }));
}

/**
 * Probes every ready node not probed yet: a one-shot service pinned to it reads NoNewPrivs in
 * its own container, which is the daemon default in effect there (not a node's claim), and the
 * answer is written on the node as a label that workspace services are constrained on.
 */
export async function probeUncheckedNodes(docker: Docker, instance: string, signal?: AbortSignal): Promise<void> {
  for (const node of await listNodes(docker, signal))
    if (node.state === 'ready' && node.nnp === null) await probeNode(docker, node.id, instance, signal);
}

async function probeNode(docker: Docker, nodeId: string, instance: string, signal?: AbortSignal): Promise<void> {
  const name = `berth-nnp-probe-${nodeId.slice(0, 12)}`;
  let serviceId: string | null = null;
  try {
    const created = (await docker.createService({
      Name: name,
      Labels: { [LABEL_MANAGED]: 'true', [LABEL_INSTANCE]: instance, [LABEL_ROLE]: ROLE_NNP_PROBE },
      TaskTemplate: {
        ContainerSpec: { Image: TOOLS_IMAGE, Args: PROBE_COMMAND },
        RestartPolicy: { Condition: 'none' },
        Placement: { Constraints: [`node.id==${nodeId}`] },
        Resources: { Limits: { MemoryBytes: 16 * 1024 * 1024 } },
      },
      Mode: { Replicated: { Replicas: 1 } },
      abortSignal: signal,
    } as unknown as Docker.CreateServiceOptions)) as { id?: string; ID?: string };
    serviceId = created.id ?? created.ID ?? null;
  } catch (error) {
    // Another worker (or instance) probes this node right now: its answer lands on the node.
    if (statusCodeOf(error) !== 409) throw error;
  }
  try {
    if (serviceId) await setNodeLabel(docker, nodeId, await probeOutcome(docker, name, signal), signal);
    else await waitForLabel(docker, nodeId, signal);
  } finally {
    if (serviceId)
      await docker
        .getService(serviceId)
        .remove()
        .catch(() => undefined);
  }
}

async function probeOutcome(docker: Docker, service: string, signal?: AbortSignal): Promise<'ok' | 'refused'> {
  const until = Date.now() + PROBE_DEADLINE_MS;
  while (Date.now() < until) {
    const tasks = (await docker.listTasks({ filters: { service: [service] }, abortSignal: signal })) as {
      Status?: { State?: string; ContainerStatus?: { ExitCode?: number } };
    }[];
    const state = tasks[0]?.Status?.State;
    if (state === 'complete') return 'ok';
    // grep -q exits 1 when the line says 0; any other failure (image missing on that node) is not
    // a verdict about the node's hardening, so it is not written down.
    if (state === 'failed' && tasks[0]?.Status?.ContainerStatus?.ExitCode === 1) return 'refused';
    if (state === 'failed' || state === 'rejected')
      throw new Error(`the hardening probe could not run on the node (task ${state})`);
    await sleep(200, signal);
  }
  throw new Error('the hardening probe did not finish within 30 s');
}

async function waitForLabel(docker: Docker, nodeId: string, signal?: AbortSignal): Promise<void> {
  const until = Date.now() + PROBE_DEADLINE_MS;
  while (Date.now() < until) {
    const node = (await docker.getNode(nodeId).inspect()) as NodeInfo;
    if (node.Spec.Labels?.[NODE_LABEL_NNP]) return;
    await sleep(300, signal);
  }
}

/** Node updates carry the whole spec and its version; a concurrent update (409/500 out of sequence) is retried. */
/**
 * Swarm's own cordon: availability `pause` (no new tasks; running ones stay), with the reason as
 * a node label; `active` and no reason to uncordon.
 */
export async function setNodeCordon(
  docker: Docker,
  nodeId: string,
  reason: string | null,
  signal?: AbortSignal,
): Promise<void> {
  await updateNodeSpec(docker, nodeId, signal, (spec) => {
    const labels: Record<string, string> = { ...spec.Labels };
    if (reason === null) delete labels[NODE_LABEL_CORDON_REASON];
    else labels[NODE_LABEL_CORDON_REASON] = reason;
    return { ...spec, Availability: reason === null ? 'active' : 'pause', Labels: labels };
  });
}

export async function setNodeLabel(
  docker: Docker,
  nodeId: string,
  value: string | null,
  signal?: AbortSignal,
): Promise<void> {
  await updateNodeSpec(docker, nodeId, signal, (spec) => {
    const labels: Record<string, string> = { ...spec.Labels };
    // null forgets the verdict (the next placement probes the node again).
    if (value === null) delete labels[NODE_LABEL_NNP];
    else labels[NODE_LABEL_NNP] = value;
    return { ...spec, Labels: labels };
  });
}

/** Node updates carry the whole spec and its version; one that lost a race (out of sequence) is retried. */
async function updateNodeSpec(
  docker: Docker,
  nodeId: string,
  signal: AbortSignal | undefined,
  change: (spec: NodeInfo['Spec']) => NodeInfo['Spec'],
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const node = (await docker.getNode(nodeId).inspect()) as NodeInfo;
    try {
      await docker
        .getNode(nodeId)
        .update({ _query: { version: node.Version.Index }, _body: change(node.Spec), abortSignal: signal });
      return;
    } catch (error) {
      if (attempt >= 3 || statusCodeOf(error) === 404) throw error;
    }
  }
}

export async function refusedNodes(docker: Docker): Promise<RefusedNode[]> {
  return (await listNodes(docker))
    .filter((n) => n.nnp === 'refused')
    .map((n) => ({ id: n.id, hostname: n.hostname, reason: NNP_REFUSAL }));
}
