import { randomUUID } from 'node:crypto';
import Docker from 'dockerode';
import { parseTemplateSpec } from '#domain';
import {
  containerHostname,
  containerName,
  hardenedCreateOptions,
  volumeName,
  workspaceLabels,
  type WorkspaceRuntimeSpec,
} from '#runtime';
import { elapsedMs } from './stats.js';

/**
 * The floor a cold start is compared with: the same image, created and started straight through
 * dockerode with Berth's own hardened options (same limits, mounts, network, init, caps).
 * Raw objects carry no `berth.managed` label, so Berth's reconciler never touches them.
 */
export class RawDocker {
  readonly docker = new Docker();

  constructor(
    private readonly network: string,
    private readonly image: string,
  ) {}

  spec(workspaceId: string = randomUUID(), ownerId = 'bench'): WorkspaceRuntimeSpec {
    return {
      workspaceId,
      ownerId,
      hostname: containerHostname(workspaceId),
      image: this.image,
      spec: parseTemplateSpec({ image: this.image, resources: { memoryMb: 128, cpus: 0.5 } }),
      env: { BERTH_WORKSPACE_ID: workspaceId },
    };
  }

  /** create + start, timed; the named volume is created by the engine on create, as `docker run -v` does. */
  async createStart(
    ws: WorkspaceRuntimeSpec,
    labels: Record<string, string> = { 'berth.bench': 'raw' },
  ): Promise<number> {
    const options = hardenedCreateOptions(ws, labels, this.network);
    const started = performance.now();
    const container = await this.docker.createContainer({
      name: this.nameOf(ws, labels),
      ...(options as unknown as Docker.ContainerCreateOptions),
    });
    await container.start();
    return elapsedMs(started);
  }

  /** stop + remove, timed (Berth's stop removes the container too). */
  async stopRemove(
    ws: WorkspaceRuntimeSpec,
    labels: Record<string, string> = { 'berth.bench': 'raw' },
  ): Promise<number> {
    const started = performance.now();
    const container = this.docker.getContainer(this.nameOf(ws, labels));
    await container.stop({ t: 10 }).catch(() => undefined);
    await container.remove({ force: true });
    return elapsedMs(started);
  }

  async removeAll(ws: WorkspaceRuntimeSpec, labels: Record<string, string> = { 'berth.bench': 'raw' }): Promise<void> {
    await this.docker
      .getContainer(this.nameOf(ws, labels))
      .remove({ force: true })
      .catch(() => undefined);
    await this.docker
      .getVolume(volumeName(ws.workspaceId))
      .remove()
      .catch(() => undefined);
  }

  /** Berth's own labels and name, for containers that stand for seeded `running` rows. */
  berthLabels(ws: WorkspaceRuntimeSpec, instance: string): Record<string, string> {
    return workspaceLabels(ws.workspaceId, ws.ownerId, instance);
  }

  private nameOf(ws: WorkspaceRuntimeSpec, labels: Record<string, string>): string {
    return labels['berth.bench'] === 'raw' ? `berth-bench-raw-${ws.workspaceId}` : containerName(ws.workspaceId);
  }
}
