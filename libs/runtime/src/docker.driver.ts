import { PassThrough } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import Docker from 'dockerode';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import {
  BerthError, ErrorCode, LABEL_INSTANCE, LABEL_MANAGED, LABEL_WORKSPACE, containerName, volumeName, workspaceLabels,
} from '#domain';
import { hardenedCreateOptions } from './hardening.js';
import { buildImage } from './image-builder.js';
import { pullImage } from './image-puller.js';
import { openTerminal, summariseStats, type ContainerStats, type TerminalRequest, type TerminalSession } from './terminal.js';
import { LineSplitter } from './line-splitter.js';
import { withTimeout, statusCodeOf } from './docker-errors.js';
import { type ContainerState, type ExecRequest, type ImageBuildRequest, type ImageInfo, type ManagedContainer, type LogSink, type PublishedPort, type RuntimeDriver, type WorkspaceRuntimeSpec } from './runtime.driver.js';

@Injectable()
export class DockerDriver implements RuntimeDriver {
  private readonly logger = new Logger(DockerDriver.name);
  /** Short API calls: a socket timeout turns a hung engine into an error instead of a hang. */
  private readonly docker: Docker;
  /** Streams (pull, exec) may be silent for long; they get an overall deadline instead. */
  private readonly streaming: Docker;
  private networkReady: Promise<void> | null = null;

  constructor(@Inject(BERTH_CONFIG) private readonly config: BerthConfig) {
    this.docker = new Docker({ timeout: config.BERTH_DOCKER_TIMEOUT_MS });
    this.streaming = new Docker();
  }

  async ping(): Promise<void> {
    await this.docker.ping();
  }

  async ensureImage(ref: string, log: LogSink): Promise<ImageInfo> {
    const local = await this.inspectImage(ref);
    if (local) return local;
    log('system', [`image ${ref} is not present locally; pulling`]);
    try {
      await withTimeout(pullImage(this.streaming, ref, log), this.config.BERTH_IMAGE_PULL_TIMEOUT_MS, `pulling ${ref}`);
    } catch (error) {
      throw new BerthError(ErrorCode.ImageUnavailable, `image ${ref} is not available locally and could not be pulled: ${messageOf(error)}`);
    }
    const pulled = await this.inspectImage(ref);
    if (!pulled) throw new BerthError(ErrorCode.ImageUnavailable, `image ${ref} was pulled but cannot be found`);
    return pulled;
  }

  async buildImage(req: ImageBuildRequest, log: LogSink): Promise<ImageInfo> {
    const id = await withTimeout(buildImage(this.streaming, req, log), this.config.BERTH_IMAGE_PULL_TIMEOUT_MS, `building ${req.tag}`);
    return { id, digest: id };
  }

  async hasImage(idOrRef: string): Promise<boolean> {
    return (await this.inspectImage(idOrRef)) !== null;
  }

  async ensureVolume(workspaceId: string, ownerId: string): Promise<{ created: boolean }> {
    const name = volumeName(workspaceId);
    try {
      await this.docker.getVolume(name).inspect();
      return { created: false };
    } catch (error) {
      if (statusCodeOf(error) !== 404) throw error;
    }
    await this.docker.createVolume({ Name: name, Labels: this.labels(workspaceId, ownerId) });
    return { created: true };
  }

  async prepareVolume(ws: WorkspaceRuntimeSpec): Promise<void> {
    const { spec } = ws;
    // Mounting at homePath lets Docker copy the image's skeleton (e.g. .bashrc) into the new
    // volume; then only the volume root's owner changes, as root with CHOWN and nothing else.
    const helper = await this.docker.createContainer({
      Image: ws.image,
      User: '0',
      Cmd: ['chown', spec.user, spec.homePath],
      Labels: this.labels(ws.workspaceId, ws.ownerId),
      HostConfig: {
        Mounts: [{ Type: 'volume', Source: volumeName(ws.workspaceId), Target: spec.homePath }],
        NetworkMode: 'none',
        CapDrop: ['ALL'],
        CapAdd: ['CHOWN'],
        SecurityOpt: ['no-new-privileges:true'],
      },
    });
    try {
      await helper.start();
      const result = (await withTimeout(helper.wait(), this.config.BERTH_DOCKER_TIMEOUT_MS, 'preparing the volume')) as { StatusCode: number };
      if (result.StatusCode !== 0) {
        const output = (await helper.logs({ stdout: true, stderr: true })).toString().trim();
        throw new BerthError(ErrorCode.RuntimeFailure, `could not give ${spec.homePath} to user ${spec.user} (exit ${result.StatusCode}): ${output.slice(-500)}`);
      }
    } finally {
      await helper.remove({ force: true }).catch(() => undefined);
    }
  }

  async findContainer(workspaceId: string): Promise<ContainerState | null> {
    const found = await this.docker.listContainers({
      all: true,
      filters: { label: [`${LABEL_WORKSPACE}=${workspaceId}`, `${LABEL_INSTANCE}=${this.config.BERTH_INSTANCE}`, `${LABEL_MANAGED}=true`] },
    });
    const info = found.find((c) => c.Names.includes(`/${containerName(workspaceId)}`)) ?? found[0];
    if (!info) return null;
    return this.describe(info.Id);
  }

  async startContainer(ws: WorkspaceRuntimeSpec): Promise<ContainerState> {
    let existing = await this.findContainer(ws.workspaceId);
    if (!existing) {
      await this.ensureNetwork();
      const options = hardenedCreateOptions(ws, this.labels(ws.workspaceId, ws.ownerId), this.config.BERTH_WORKSPACE_NETWORK);
      try {
        await this.docker.createContainer({ name: containerName(ws.workspaceId), ...options });
      } catch (error) {
        // 409: a concurrent or earlier attempt created it; use that one (idempotent create).
        if (statusCodeOf(error) !== 409) throw error;
      }
      existing = await this.findContainer(ws.workspaceId);
      if (!existing) throw new BerthError(ErrorCode.RuntimeFailure, 'container vanished right after it was created');
    }
    if (!existing.running) {
      try {
        await this.docker.getContainer(existing.id).start();
      } catch (error) {
        if (statusCodeOf(error) !== 304) throw error; // 304: already started
      }
    }
    return this.describe(existing.id);
  }

  async exec(workspaceId: string, req: ExecRequest, log: LogSink): Promise<number> {
    const found = await this.findContainer(workspaceId);
    if (!found?.running) throw new BerthError(ErrorCode.RuntimeFailure, 'the workspace container is not running');
    const container = this.streaming.getContainer(found.id);
    const exec = await container.exec({
      Cmd: req.cmd, User: req.user, WorkingDir: req.workdir, AttachStdout: true, AttachStderr: true,
      Env: Object.entries(req.env ?? {}).map(([k, v]) => `${k}=${v}`),
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const outLines = new LineSplitter();
    const errLines = new LineSplitter();
    stdout.on('data', (chunk: Buffer) => log('stdout', outLines.push(chunk)));
    stderr.on('data', (chunk: Buffer) => log('stderr', errLines.push(chunk)));
    this.streaming.modem.demuxStream(stream, stdout, stderr);
    const ended = new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
    });
    try {
      await withTimeout(ended, req.timeoutMs, `running ${req.cmd.join(' ').slice(0, 60)}`);
    } finally {
      log('stdout', outLines.flush());
      log('stderr', errLines.flush());
      stream.destroy();
    }
    const info = await exec.inspect();
    return info.ExitCode ?? -1;
  }

  async removeContainer(workspaceId: string): Promise<void> {
    const found = await this.findContainer(workspaceId);
    if (!found) return;
    const container = this.docker.getContainer(found.id);
    try {
      if (found.running) await container.stop({ t: 10 });
    } catch (error) {
      if (![304, 404].includes(statusCodeOf(error) ?? 0)) throw error;
    }
    try {
      await container.remove({ force: true });
    } catch (error) {
      if (statusCodeOf(error) !== 404) throw error;
    }
  }

  async removeVolume(workspaceId: string): Promise<void> {
    try {
      await this.docker.getVolume(volumeName(workspaceId)).remove();
    } catch (error) {
      if (statusCodeOf(error) !== 404) throw error;
    }
  }

  async openTerminal(workspaceId: string, req: TerminalRequest): Promise<TerminalSession> {
    return openTerminal(this.streaming.getContainer(await this.runningContainerId(workspaceId)), req);
  }

  async stats(workspaceId: string): Promise<ContainerStats> {
    const raw = (await this.docker.getContainer(await this.runningContainerId(workspaceId)).stats({ stream: false })) as unknown as Parameters<typeof summariseStats>[0];
    return summariseStats(raw);
  }

  async listManagedContainers(): Promise<ManagedContainer[]> {
    const found = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL_MANAGED}=true`, `${LABEL_INSTANCE}=${this.config.BERTH_INSTANCE}`] } });
    return found.map((c) => ({ id: c.Id, workspaceId: c.Labels[LABEL_WORKSPACE] ?? null, running: c.State === 'running', status: c.Status }));
  }

  async listManagedVolumes(): Promise<string[]> {
    const { Volumes } = await this.docker.listVolumes({ filters: { label: [`${LABEL_MANAGED}=true`, `${LABEL_INSTANCE}=${this.config.BERTH_INSTANCE}`] } });
    return (Volumes ?? []).map((v) => v.Labels[LABEL_WORKSPACE]).filter((id): id is string => Boolean(id));
  }

  async removeContainerById(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true });
    } catch (error) {
      if (statusCodeOf(error) !== 404) throw error;
    }
  }

  async info(): Promise<{ serverVersion: string; containersRunning: number; images: number }> {
    const info = (await this.docker.info()) as { ServerVersion: string; ContainersRunning: number; Images: number };
    return { serverVersion: info.ServerVersion, containersRunning: info.ContainersRunning, images: info.Images };
  }

  private async runningContainerId(workspaceId: string): Promise<string> {
    const found = await this.findContainer(workspaceId);
    if (!found?.running) throw new BerthError(ErrorCode.Conflict, 'the workspace is not running');
    return found.id;
  }

  private labels(workspaceId: string, ownerId: string): Record<string, string> {
    return workspaceLabels(workspaceId, ownerId, this.config.BERTH_INSTANCE);
  }

  private async describe(id: string): Promise<ContainerState> {
    const info = await this.docker.getContainer(id).inspect();
    const ports: PublishedPort[] = [];
    for (const [key, bindings] of Object.entries(info.NetworkSettings.Ports ?? {})) {
      const hostPort = bindings?.[0]?.HostPort;
      if (hostPort) ports.push({ port: Number.parseInt(key, 10), name: '', hostPort: Number(hostPort) });
    }
    return { id: info.Id, running: info.State.Running, ports };
  }

  private async inspectImage(ref: string): Promise<ImageInfo | null> {
    try {
      const image = await this.docker.getImage(ref).inspect();
      return { digest: image.RepoDigests?.[0]?.split('@')[1] ?? image.Id, id: image.Id };
    } catch (error) {
      if (statusCodeOf(error) === 404) return null;
      throw error;
    }
  }

  /** One shared bridge with inter-container traffic off: workspaces cannot reach each other. */
  private ensureNetwork(): Promise<void> {
    this.networkReady ??= this.createNetworkIfMissing().catch((error: unknown) => {
      this.networkReady = null;
      throw error;
    });
    return this.networkReady;
  }

  private async createNetworkIfMissing(): Promise<void> {
    const name = this.config.BERTH_WORKSPACE_NETWORK;
    const existing = await this.docker.listNetworks({ filters: { name: [name] } });
    if (existing.some((n) => n.Name === name)) return;
    try {
      await this.docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        Options: { 'com.docker.network.bridge.enable_icc': 'false' },
        Labels: { [LABEL_MANAGED]: 'true', [LABEL_INSTANCE]: this.config.BERTH_INSTANCE, 'berth.role': 'workspace-network' },
      });
      this.logger.log(`created workspace network ${name} (inter-container traffic disabled)`);
    } catch (error) {
      if (statusCodeOf(error) !== 409) throw error;
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
