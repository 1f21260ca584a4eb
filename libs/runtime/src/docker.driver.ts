import { openInteractiveExec, type InteractiveExec, type InteractiveExecRequest } from './interactive-exec.js';
import { Agent } from 'node:http';
import { connect } from 'node:net';
import { Inject, Injectable, Logger } from '@nestjs/common';
import Docker from 'dockerode';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import {
  BerthError,
  CAPABILITY_ALLOWLIST,
  ErrorCode,
  LABEL_INSTANCE,
  LABEL_MANAGED,
  LABEL_OWNER,
  LABEL_ROLE,
  LABEL_WORKSPACE,
  ROLE_BUILD_STEP,
  ROLE_TOOLS,
  ROLE_VOLUME_USAGE,
  ROLE_VOLUME_HELPER,
  TOOLS_DIR,
  TOOLS_IMAGE,
  TOOLS_VOLUME,
  containerName,
  volumeName,
  workspaceLabels,
} from '#domain';
import { type StreamLimits } from './bounded-lines.js';
import { sleep } from '#common';
import { hardenedCreateOptions } from './hardening.js';
import { editorInstallDir, editorMount, ensureEditorVolume } from './editor-mount.js';
import { sealedBuild } from './sealed-builder.js';
import { pullImage } from './image-puller.js';
import { openTerminal, type TerminalRequest, type TerminalSession } from './terminal.js';
import { summariseStats } from './docker-stats.js';
import { type ContainerStats } from './stats.js';
import { statusCodeOf } from './docker-errors.js';
import { engineCall, type EngineCallOptions } from './engine-call.js';
import { runInContainer } from './docker-exec.js';
import { prepareVolumeOwner, programExists } from './volume-preparer.js';
import { measureVolumes } from './volume-usage.js';
import { openHomeArchive, replaceHomeContent, ROLE_HOME_ARCHIVE } from './home-archive.js';
import { type Readable } from 'node:stream';
import {
  type ContainerState,
  type ExecRequest,
  type ImageBuildRequest,
  type ImageInfo,
  type ManagedContainer,
  type ManagedVolume,
  type LogSink,
  type PublishedPort,
  type RuntimeDriver,
  type WorkspaceRuntimeSpec,
} from './runtime.driver.js';

/** On snapshot and restore helpers: whose home they read or write (never the workspace label itself). */
const LABEL_ARCHIVE_OF = 'berth.archive.of';

/** `docker stop` waits this long for the init process before killing; its request lasts as long. */
const STOP_GRACE_SECONDS = 10;

@Injectable()
export class DockerDriver implements RuntimeDriver {
  private readonly logger = new Logger(DockerDriver.name);
  /**
   * DOCKER_HOST (or the local socket) as docker-modem reads it; deadlines are per request. No
   * keep-alive: a stopping dockerd refuses new connections at once but keeps answering on open
   * ones while it stops the containers, and the reconciler would take that moment for containers
   * stopped outside Berth. A new unix-socket connection per request costs next to nothing.
   */
  private readonly docker = new Docker(engineOptions());
  private networkReady: Promise<void> | null = null;
  private toolsReady: Promise<void> | null = null;
  private editorReady: Promise<void> | null = null;

  /** Caps on every stream read from the engine or a container (configurable). */
  private readonly limits: StreamLimits;

  constructor(@Inject(BERTH_CONFIG) private readonly config: BerthConfig) {
    this.limits = {
      maxLineBytes: config.BERTH_STREAM_LINE_LIMIT_BYTES,
      maxTotalBytes: config.BERTH_STREAM_OUTPUT_LIMIT_BYTES,
    };
  }

  /** One engine request: deadline, caller's signal, and engine-away errors as `Unavailable`. */
  private call<T>(
    what: string,
    options: EngineCallOptions,
    request: (abortSignal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    return engineCall(what, this.config.BERTH_DOCKER_TIMEOUT_MS, options, request);
  }

  async ping(): Promise<void> {
    // ping, stats and info take no signal in dockerode's types; engineCall still bounds the wait.
    await this.call('ping', {}, () => this.docker.ping());
  }

  async ensureImage(ref: string, log: LogSink, signal?: AbortSignal): Promise<ImageInfo> {
    const local = await this.inspectImage(ref, signal);
    if (local) return local;
    log('system', [`image ${ref} is not present locally; pulling`]);
    try {
      await engineCall(
        `pulling ${ref}`,
        this.config.BERTH_IMAGE_PULL_TIMEOUT_MS,
        { signal, operation: 'pulling an image' },
        (abortSignal) => pullImage(this.docker, ref, log, abortSignal, this.limits),
      );
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new BerthError(
        ErrorCode.ImageUnavailable,
        `image ${ref} is not available locally and could not be pulled: ${messageOf(error)}`,
      );
    }
    const pulled = await this.inspectImage(ref, signal);
    if (!pulled) throw new BerthError(ErrorCode.ImageUnavailable, `image ${ref} was pulled but cannot be found`);
    return pulled;
  }

  async buildImage(req: ImageBuildRequest, log: LogSink, signal?: AbortSignal): Promise<ImageInfo> {
    await this.requireBuildNetwork(signal);
    const c = this.config;
    const id = await engineCall(
      `building ${req.tag}`,
      c.BERTH_BUILD_TIMEOUT_MS,
      { signal, operation: 'building an image' },
      (abortSignal) =>
        sealedBuild(
          this.docker,
          req,
          {
            network: c.BERTH_BUILD_NETWORK,
            memoryBytes: c.BERTH_BUILD_MEMORY_MB * 1024 * 1024,
            nanoCpus: Math.round(c.BERTH_BUILD_CPUS * 1e9),
            pidsLimit: c.BERTH_BUILD_PIDS_LIMIT,
            // What a template may give a workspace back; the rest (NET_RAW, MKNOD, SYS_CHROOT, …) is dropped.
            capAdd: CAPABILITY_ALLOWLIST,
            contextMaxBytes: c.BERTH_BUILD_CONTEXT_MAX_BYTES,
            streamLimits: this.limits,
            labels: { [LABEL_MANAGED]: 'true', [LABEL_INSTANCE]: c.BERTH_INSTANCE, [LABEL_ROLE]: ROLE_BUILD_STEP },
          },
          log,
          abortSignal,
        ),
    );
    return { id, digest: id };
  }

  /**
   * The build network is made by scripts/build-network.sh together with the host firewall rule
   * that keeps it away from the host's services; Berth never makes it itself without that rule.
   */
  private async requireBuildNetwork(signal?: AbortSignal): Promise<void> {
    const name = this.config.BERTH_BUILD_NETWORK;
    const found = await this.call('listing networks', { signal }, (abortSignal) =>
      this.docker.listNetworks({ filters: { name: [name] }, abortSignal }),
    );
    if (!found.some((n) => n.Name === name))
      throw new BerthError(
        ErrorCode.ImageUnavailable,
        `the build network ${name} does not exist: run scripts/build-network.sh (it also installs the firewall rule)`,
      );
  }

  async hasImage(idOrRef: string, signal?: AbortSignal): Promise<boolean> {
    return (await this.inspectImage(idOrRef, signal)) !== null;
  }

  async ensureVolume(workspaceId: string, ownerId: string, signal?: AbortSignal): Promise<{ created: boolean }> {
    const name = volumeName(workspaceId);
    try {
      await this.call(`inspecting volume ${name}`, { signal, operation: 'inspecting a volume' }, (abortSignal) =>
        this.docker.getVolume(name).inspect({ abortSignal }),
      );
      return { created: false };
    } catch (error) {
      if (statusCodeOf(error) !== 404) throw error;
    }
    await this.call(`creating volume ${name}`, { signal, operation: 'creating a volume' }, (abortSignal) =>
      this.docker.createVolume({ Name: name, Labels: this.labels(workspaceId, ownerId), abortSignal }),
    );
    return { created: true };
  }

  async prepareVolume(ws: WorkspaceRuntimeSpec, signal?: AbortSignal): Promise<void> {
    // A helper left by a crashed earlier attempt goes first: one helper per workspace at a time.
    const leftovers = await this.call('listing volume helpers', { signal }, (abortSignal) =>
      this.docker.listContainers({
        all: true,
        filters: { label: [`${LABEL_WORKSPACE}=${ws.workspaceId}`, `${LABEL_ROLE}=${ROLE_VOLUME_HELPER}`] },
        abortSignal,
      }),
    );
    for (const helper of leftovers) await this.removeContainerById(helper.Id, signal);
    const labels = { ...this.labels(ws.workspaceId, ws.ownerId), [LABEL_ROLE]: ROLE_VOLUME_HELPER };
    await this.call('preparing the volume', { signal }, (abortSignal) =>
      prepareVolumeOwner(this.docker, ws, labels, abortSignal),
    );
  }

  async findContainer(workspaceId: string, signal?: AbortSignal): Promise<ContainerState | null> {
    const found = await this.call('listing containers', { signal }, (abortSignal) =>
      this.docker.listContainers({
        all: true,
        filters: {
          label: [
            `${LABEL_WORKSPACE}=${workspaceId}`,
            `${LABEL_INSTANCE}=${this.config.BERTH_INSTANCE}`,
            `${LABEL_MANAGED}=true`,
          ],
        },
        abortSignal,
      }),
    );
    // By name among the labelled ones: a one-shot helper left by a crash carries the same labels
    // and must never be taken for the workspace container (found by the worker-crash fault test).
    const info = found.find((c) => c.Names.includes(`/${containerName(workspaceId)}`));
    if (!info) return null;
    return this.describe(info.Id, signal);
  }

  async startContainer(ws: WorkspaceRuntimeSpec, signal?: AbortSignal): Promise<ContainerState> {
    let existing = await this.findContainer(ws.workspaceId, signal);
    if (!existing) {
      await this.ensureNetwork();
      await this.ensureTools();
      const options = hardenedCreateOptions(
        ws,
        this.labels(ws.workspaceId, ws.ownerId),
        this.config.BERTH_WORKSPACE_NETWORK,
      );
      // VS Code in the browser, read-only, when this server has it (the API checks the image's libc).
      const editorDir = editorInstallDir(this.config);
      if (editorDir) {
        await this.ensureEditor(editorDir);
        options.HostConfig.Mounts.push(editorMount());
      }
      try {
        await this.call('creating the container', { signal }, (abortSignal) =>
          // The cast: @types/dockerode wants every VolumeOptions field; the engine takes NoCopy alone.
          this.docker.createContainer({
            name: containerName(ws.workspaceId),
            ...(options as unknown as Docker.ContainerCreateOptions),
            abortSignal,
          }),
        );
      } catch (error) {
        // 409: a concurrent or earlier attempt created it; use that one (idempotent create).
        if (statusCodeOf(error) !== 409) throw error;
      }
      existing = await this.findContainer(ws.workspaceId, signal);
      if (!existing) throw new BerthError(ErrorCode.RuntimeFailure, 'container vanished right after it was created');
    }
    if (!existing.running) {
      const id = existing.id;
      // The template's own command is the one program Berth starts from the image: name it when missing.
      const program = ws.spec.command?.[0];
      if (
        program &&
        !(await this.call('looking for the command', { signal }, (abortSignal) =>
          programExists(this.docker.getContainer(id), program, abortSignal),
        ))
      )
        throw new BerthError(ErrorCode.RuntimeFailure, `the template's command ${program} is not in the image`);
      try {
        await this.call('starting the container', { signal }, (abortSignal) =>
          this.docker.getContainer(id).start({ abortSignal }),
        );
      } catch (error) {
        if (statusCodeOf(error) !== 304) throw error; // 304: already started
      }
    }
    return this.describe(existing.id, signal);
  }

  async closedPorts(workspaceId: string, ports: number[], signal?: AbortSignal): Promise<number[]> {
    const found = await this.findContainer(workspaceId, signal);
    if (!found) throw new BerthError(ErrorCode.RuntimeFailure, 'the workspace container is gone');
    const info = await this.call('inspecting the container', { signal }, (abortSignal) =>
      this.docker.getContainer(found.id).inspect({ abortSignal }),
    );
    if (!info.State.Running)
      throw new BerthError(ErrorCode.RuntimeFailure, `the container exited (code ${info.State.ExitCode})`);
    const address = info.NetworkSettings.Networks?.[this.config.BERTH_WORKSPACE_NETWORK]?.IPAddress;
    if (!address) return ports;
    const open = await Promise.all(ports.map((port) => acceptsConnection(address, port, signal)));
    return ports.filter((_, i) => !open[i]);
  }

  async exec(workspaceId: string, req: ExecRequest, log: LogSink): Promise<number> {
    const found = await this.findContainer(workspaceId, req.signal);
    if (!found?.running) throw new BerthError(ErrorCode.RuntimeFailure, 'the workspace container is not running');
    // The command's own time limit replaces the per-request deadline (scripts may be long and silent),
    // plus the usual deadline for the engine's own round trips (create, attach, inspect): on a busy
    // engine those may take seconds, and the command's limit must still be what ends it.
    return engineCall(
      `running ${req.cmd[0] ?? 'a command'}`,
      req.timeoutMs,
      { signal: req.signal, extraMs: this.config.BERTH_DOCKER_TIMEOUT_MS, operation: 'running a command' },
      (abortSignal) => runInContainer(this.docker, found.id, { limits: this.limits, ...req, signal: abortSignal }, log),
    );
  }

  async removeContainer(workspaceId: string, signal?: AbortSignal): Promise<void> {
    const found = await this.findContainer(workspaceId, signal);
    if (!found) return;
    const container = this.docker.getContainer(found.id);
    try {
      if (found.running)
        await this.call('stopping the container', { signal, extraMs: STOP_GRACE_SECONDS * 1000 }, (abortSignal) =>
          container.stop({ t: STOP_GRACE_SECONDS, abortSignal }),
        );
    } catch (error) {
      if (![304, 404].includes(statusCodeOf(error) ?? 0)) throw error;
    }
    await this.removeContainerById(found.id, signal);
  }

  async removeVolume(workspaceId: string, signal?: AbortSignal): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.call('removing the volume', { signal }, (abortSignal) =>
          this.docker.getVolume(volumeName(workspaceId)).remove({ abortSignal }),
        );
        return;
      } catch (error) {
        if (statusCodeOf(error) === 404) return;
        if (statusCodeOf(error) !== 409 || attempt >= 12) throw error;
        // In use: a usage measurement may have it mounted this very moment. The measurement gives
        // way (that batch is measured next pass); anything else holding it is left alone, and
        // the delete fails after about 9 s of trying.
        const measuring = await this.call('listing usage measurements', { signal }, (abortSignal) =>
          this.docker.listContainers({
            all: true,
            filters: {
              label: [`${LABEL_ROLE}=${ROLE_VOLUME_USAGE}`, `${LABEL_INSTANCE}=${this.config.BERTH_INSTANCE}`],
            },
            abortSignal,
          }),
        );
        // None listed: one may still be on its way out (removal in progress), so wait and try again.
        // Its own removal may already be under way (409): either way it is going.
        for (const c of measuring) await this.removeContainerById(c.Id, signal).catch(() => undefined);
        // A measurement lasts about a second; its removal may take a moment more.
        await sleep(Math.min(1000, 150 * attempt), signal);
      }
    }
  }

  async measureHomes(workspaceIds: readonly string[], signal?: AbortSignal): Promise<Map<string, number>> {
    if (workspaceIds.length === 0) return new Map();
    await this.ensureTools();
    const labels = { [LABEL_INSTANCE]: this.config.BERTH_INSTANCE };
    return engineCall(
      'measuring home volumes',
      this.config.BERTH_DOCKER_TIMEOUT_MS,
      { signal, operation: 'measuring home volumes' },
      (abortSignal) => measureVolumes(this.docker, workspaceIds, labels, abortSignal),
    );
  }

  async openHomeArchive(
    workspaceId: string,
    signal?: AbortSignal,
  ): Promise<{ stream: Readable; close: () => Promise<void> }> {
    await this.ensureTools();
    await this.removeArchiveHelpers(workspaceId, signal);
    return this.call('reading the home volume', { signal }, (abortSignal) =>
      openHomeArchive(this.docker, workspaceId, this.archiveLabels(workspaceId), abortSignal),
    );
  }

  async replaceHome(workspaceId: string, archive: Readable, signal?: AbortSignal): Promise<void> {
    await this.ensureTools();
    await this.removeArchiveHelpers(workspaceId, signal);
    // Unpacking a large home takes longer than one ordinary engine call: bounded by the stage instead.
    await engineCall(
      'writing the home volume',
      this.config.BERTH_STAGE_TIMEOUT_MS,
      { signal, operation: 'writing the home volume' },
      (abortSignal) =>
        replaceHomeContent(this.docker, workspaceId, archive, this.archiveLabels(workspaceId), abortSignal),
    );
  }

  async pauseContainer(workspaceId: string, signal?: AbortSignal): Promise<boolean> {
    const found = await this.findContainer(workspaceId, signal);
    if (!found?.running) return false;
    await this.call('pausing the container', { signal }, (abortSignal) =>
      this.docker.getContainer(found.id).pause({ abortSignal }),
    );
    return true;
  }

  async unpauseContainer(workspaceId: string): Promise<void> {
    const found = await this.findContainer(workspaceId);
    if (!found) return;
    try {
      await this.call('unpausing the container', {}, (abortSignal) =>
        this.docker.getContainer(found.id).unpause({ abortSignal }),
      );
    } catch (error) {
      // 409 "is not paused": someone (a stop, a restart) got there first; nothing is left frozen.
      if (statusCodeOf(error) !== 409) throw error;
    }
  }

  /**
   * Archive helpers carry the instance and a workspace-archive label, not the workspace label, so
   * the reconciler does not take a never-started helper for a leftover while it is being read.
   */
  private archiveLabels(workspaceId: string): Record<string, string> {
    return { [LABEL_INSTANCE]: this.config.BERTH_INSTANCE, [LABEL_ARCHIVE_OF]: workspaceId };
  }

  /** A helper a crashed snapshot or restore left behind goes first. */
  private async removeArchiveHelpers(workspaceId: string, signal?: AbortSignal): Promise<void> {
    const leftovers = await this.call('listing archive helpers', { signal }, (abortSignal) =>
      this.docker.listContainers({
        all: true,
        filters: { label: [`${LABEL_ARCHIVE_OF}=${workspaceId}`, `${LABEL_ROLE}=${ROLE_HOME_ARCHIVE}`] },
        abortSignal,
      }),
    );
    for (const helper of leftovers) await this.removeContainerById(helper.Id, signal);
  }

  async hasProgram(workspaceId: string, program: string, signal?: AbortSignal): Promise<boolean> {
    const id = await this.runningContainerId(workspaceId);
    return this.call(`looking for ${program}`, { signal }, (abortSignal) =>
      programExists(this.docker.getContainer(id), program, abortSignal),
    );
  }

  async openTerminal(workspaceId: string, req: TerminalRequest): Promise<TerminalSession> {
    const id = await this.runningContainerId(workspaceId);
    // The terminal's shell is the image's; a minimal image without one has no terminal.
    if (!(await this.hasProgram(workspaceId, 'sh')))
      throw new BerthError(
        ErrorCode.Conflict,
        "this workspace's image has no shell (sh), so it has no terminal; use a template image with a shell",
      );
    return this.call('opening a terminal', {}, () => openTerminal(this.docker.getContainer(id), req));
  }

  async openExec(workspaceId: string, req: InteractiveExecRequest): Promise<InteractiveExec> {
    const id = await this.runningContainerId(workspaceId);
    return this.call('starting a process', {}, () =>
      openInteractiveExec(this.docker, this.docker.getContainer(id), req),
    );
  }

  async stats(workspaceId: string): Promise<ContainerStats> {
    const id = await this.runningContainerId(workspaceId);
    const raw = await this.call('reading stats', {}, () => this.docker.getContainer(id).stats({ stream: false }));
    return summariseStats(raw);
  }

  async listManagedContainers(): Promise<ManagedContainer[]> {
    const found = await this.call('listing containers', {}, (abortSignal) =>
      this.docker.listContainers({
        all: true,
        filters: { label: [`${LABEL_MANAGED}=true`, `${LABEL_INSTANCE}=${this.config.BERTH_INSTANCE}`] },
        abortSignal,
      }),
    );
    return found.map((c) => {
      const workspaceId = c.Labels[LABEL_WORKSPACE] ?? null;
      const isWorkspaceContainer = workspaceId !== null && c.Names.includes(`/${containerName(workspaceId)}`);
      return { id: c.Id, workspaceId, isWorkspaceContainer, running: c.State === 'running', status: c.Status };
    });
  }

  async inventoryVolumes(): Promise<ManagedVolume[]> {
    const { Volumes } = await this.call('listing volumes', {}, (abortSignal) =>
      this.docker.listVolumes({
        filters: { label: [`${LABEL_MANAGED}=true`, `${LABEL_INSTANCE}=${this.config.BERTH_INSTANCE}`] },
        abortSignal,
      }),
    );
    return (Volumes ?? []).flatMap((v) => {
      const workspaceId = v.Labels[LABEL_WORKSPACE];
      if (!workspaceId) return [];
      const createdAt = (v as { CreatedAt?: string }).CreatedAt ?? null;
      return [{ name: v.Name, workspaceId, ownerLabel: v.Labels[LABEL_OWNER] ?? null, createdAt }];
    });
  }

  async listManagedVolumes(): Promise<string[]> {
    const { Volumes } = await this.call('listing volumes', {}, (abortSignal) =>
      this.docker.listVolumes({
        filters: { label: [`${LABEL_MANAGED}=true`, `${LABEL_INSTANCE}=${this.config.BERTH_INSTANCE}`] },
        abortSignal,
      }),
    );
    return (Volumes ?? []).map((v) => v.Labels[LABEL_WORKSPACE]).filter((id): id is string => Boolean(id));
  }

  async removeContainerById(id: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.call('removing the container', { signal }, (abortSignal) =>
        this.docker.getContainer(id).remove({ force: true, abortSignal }),
      );
    } catch (error) {
      if (statusCodeOf(error) === 404) return;
      // Another removal of the same container is under way (seen at full load): wait for it to end.
      if (statusCodeOf(error) !== 409 || !/removal .*already in progress/.test((error as Error).message)) throw error;
      const until = Date.now() + this.config.BERTH_DOCKER_TIMEOUT_MS;
      while (await this.findById(id, signal)) {
        if (Date.now() > until) throw error;
        await sleep(200, signal);
      }
    }
  }

  /** True while a container with this id exists. */
  private async findById(id: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.call('inspecting the container', { signal }, (abortSignal) =>
        this.docker.getContainer(id).inspect({ abortSignal }),
      );
      return true;
    } catch (error) {
      if (statusCodeOf(error) === 404) return false;
      throw error;
    }
  }

  async info(): Promise<{ serverVersion: string; containersRunning: number; images: number }> {
    const info = (await this.call('reading engine info', {}, () => this.docker.info())) as {
      ServerVersion: string;
      ContainersRunning: number;
      Images: number;
    };
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

  private async describe(id: string, signal?: AbortSignal): Promise<ContainerState> {
    const info = await this.call('inspecting the container', { signal }, (abortSignal) =>
      this.docker.getContainer(id).inspect({ abortSignal }),
    );
    const ports: PublishedPort[] = [];
    for (const [key, bindings] of Object.entries(info.NetworkSettings.Ports ?? {})) {
      const hostPort = bindings?.[0]?.HostPort;
      if (hostPort) ports.push({ port: Number.parseInt(key, 10), name: '', hostPort: Number(hostPort) });
    }
    return { id: info.Id, running: info.State.Running, ports };
  }

  private async inspectImage(ref: string, signal?: AbortSignal): Promise<ImageInfo | null> {
    try {
      // dockerode's image inspect takes no signal; engineCall still bounds the wait.
      const image = await this.call(`inspecting image ${ref}`, { signal, operation: 'inspecting an image' }, () =>
        this.docker.getImage(ref).inspect(),
      );
      return { digest: image.RepoDigests?.[0]?.split('@')[1] ?? image.Id, id: image.Id };
    } catch (error) {
      if (statusCodeOf(error) === 404) return null;
      throw error;
    }
  }

  /**
   * Berth's static toolset volume, filled once by the engine from TOOLS_IMAGE (a container of it
   * is created with the fresh volume at TOOLS_DIR and never started: the engine copies the files).
   */
  private ensureTools(): Promise<void> {
    this.toolsReady ??= this.fillToolsVolume().catch((error: unknown) => {
      this.toolsReady = null;
      throw error;
    });
    return this.toolsReady;
  }

  private ensureEditor(dir: string): Promise<void> {
    this.editorReady ??= this.call('binding the editor volume', {}, (abortSignal) =>
      ensureEditorVolume(this.docker, dir, abortSignal),
    ).then(
      (bound) => {
        if (bound !== dir) this.logger.warn(`the editor volume binds ${bound}, not ${dir}: remove it to rebind`);
      },
      (error: unknown) => {
        this.editorReady = null;
        throw error;
      },
    );
    return this.editorReady;
  }

  private async fillToolsVolume(): Promise<void> {
    // Creating a volume that exists is a no-op, and the engine copies only into an empty volume,
    // so this also completes a fill that a crash interrupted.
    if (!(await this.inspectImage(TOOLS_IMAGE)))
      throw new BerthError(
        ErrorCode.ImageUnavailable,
        `Berth's toolset image ${TOOLS_IMAGE} is missing: run scripts/images.sh tools`,
      );
    const labels = { [LABEL_MANAGED]: 'true', [LABEL_ROLE]: ROLE_TOOLS };
    await this.call('creating the tools volume', {}, (abortSignal) =>
      this.docker.createVolume({ Name: TOOLS_VOLUME, Labels: labels, abortSignal }),
    );
    const filler = await this.call('filling the tools volume', {}, (abortSignal) =>
      this.docker.createContainer({
        Image: TOOLS_IMAGE,
        Labels: labels,
        HostConfig: { Mounts: [{ Type: 'volume', Source: TOOLS_VOLUME, Target: TOOLS_DIR }], NetworkMode: 'none' },
        abortSignal,
      }),
    );
    await filler.remove({ force: true }).catch(() => undefined);
    this.logger.log(`filled the tools volume ${TOOLS_VOLUME} from ${TOOLS_IMAGE}`);
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
    const existing = await this.call('listing networks', {}, (abortSignal) =>
      this.docker.listNetworks({ filters: { name: [name] }, abortSignal }),
    );
    if (existing.some((n) => n.Name === name)) return;
    try {
      await this.call('creating the workspace network', {}, (abortSignal) =>
        this.docker.createNetwork({
          Name: name,
          Driver: 'bridge',
          CheckDuplicate: true,
          Options: { 'com.docker.network.bridge.enable_icc': 'false' },
          Labels: {
            [LABEL_MANAGED]: 'true',
            [LABEL_INSTANCE]: this.config.BERTH_INSTANCE,
            'berth.role': 'workspace-network',
          },
          abortSignal,
        }),
      );
      this.logger.log(`created workspace network ${name} (inter-container traffic disabled)`);
    } catch (error) {
      if (statusCodeOf(error) !== 409) throw error;
    }
  }
}

/** docker-modem takes an http Agent; @types/dockerode does not list the option. */
function engineOptions(): Docker.DockerOptions {
  const options: Docker.DockerOptions & { agent: Agent } = { agent: new Agent({ keepAlive: false }) };
  return options;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One TCP connection attempt (closed at once): true when something listens on the port. */
function acceptsConnection(host: string, port: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    const done = (open: boolean): void => {
      signal?.removeEventListener('abort', abort);
      socket.destroy();
      resolve(open);
    };
    const abort = (): void => done(false);
    signal?.addEventListener('abort', abort, { once: true });
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}
