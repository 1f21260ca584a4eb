import { type SwarmNodeView } from './swarm-nodes.js';

/** The fields of a Swarm task Berth reads. */
export interface SwarmTask {
  ID: string;
  ServiceID?: string;
  NodeID?: string;
  CreatedAt?: string;
  DesiredState?: string;
  Status?: {
    State?: string;
    Err?: string;
    Message?: string;
    ContainerStatus?: { ContainerID?: string; ExitCode?: number };
  };
}

/** The task Swarm means to run now: the newest one whose desired state is running. */
export function newestTask(tasks: SwarmTask[]): SwarmTask | undefined {
  return tasks
    .filter((t) => t.DesiredState === 'running')
    .sort((a, b) => (a.CreatedAt ?? '').localeCompare(b.CreatedAt ?? ''))
    .at(-1);
}

/**
 * Why a start cannot succeed, as a sentence for the workspace's lastError; null while it still
 * may. A task is only pending with an error when no node fits (Swarm keeps retrying that forever).
 */
export function taskFailure(task: SwarmTask | undefined, nodes: SwarmNodeView[]): string | null {
  const state = task?.Status?.State;
  const err = task?.Status?.Err ?? '';
  const node = nodes.find((n) => n.id === task?.NodeID);
  const where = node ? ` on node ${node.hostname} (${node.id})` : '';
  if (state === 'failed' || state === 'rejected')
    return `the workspace's task ${state}${where}: ${err || 'no reason given'}`;
  if (state === 'pending' && err) {
    const refused = nodes.filter((n) => n.nnp === 'refused').map((n) => n.hostname);
    const why = refused.length > 0 ? ` (refused for hardening: ${refused.join(', ')})` : '';
    return `no node can run the workspace: ${err}${why}`;
  }
  return null;
}

/** TCP ports in LISTEN state (0A) in /proc/net/tcp and tcp6 text. */
export function listeningPorts(table: string): Set<number> {
  const ports = new Set<number>();
  for (const line of table.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    if (fields[3] !== '0A' || !local?.includes(':')) continue;
    ports.add(Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16));
  }
  return ports;
}
