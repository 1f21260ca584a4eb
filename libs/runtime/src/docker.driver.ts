import { openInteractiveExec, type InteractiveExec, type InteractiveExecRequest } from './interactive-exec.js';
import { Agent } from 'node:http';
import { type Duplex } from 'node:stream';
import { connect } from 'node:net';
import { Inject, Injectable, Logger } from '@nestjs/common';
import Docker from 'dockerode';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { BerthError, CAPABILITY_ALLOWLIST, ErrorCode } from '#domain';
import {
  LABEL_INSTANCE,
  LABEL_MANAGED,
  LABEL_OWNER,
  LABEL_ROLE,
  LABEL_WORKSPACE,
  ROLE_BUILD_STEP,
  ROLE_TOOLS,
  ROLE_VOLUME_USAGE,
  TOOLS_DIR,
  TOOLS_IMAGE,
  TOOLS_VOLUME,
  containerName,
  volumeName,
  workspaceLabels,
} from './docker-objects.js';
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
import { dialTcp, execAsStream, type PortConnectRequest } from './port-connection.js';
import { tcpRelayCommand } from './tcp-relay.js';
import { openHomeArchive, replaceHomeContent, ROLE_HOME_ARCHIVE } from './home-archive.js';
import { type Readable } from 'node:stream';
import {
  type ContainerState,
  type ExecRequest,
  type ImageBuildRequest,
  type ImageInfo,
  type RuntimeWorkspace,
  type ManagedVolume,
  type LogSink,
  type PublishedPort,
  type RuntimeDriver,
  type RuntimeInfo,
  type WorkspaceRuntimeSpec,
} from './runtime.driver.js';

/** On snapshot and restore helpers: whose home they read or write (never the workspace label itself). */
const LABEL_ARCHIVE_OF = 'berth.archive.of';

/** `docker stop` waits this long for the init process before killing; its request lasts as long. */
const STOP_GRACE_SECONDS = 10;

@Injectable()
export class DockerDriver implements RuntimeDriver {
  readonly kind = 'docker';
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
    // Built here: no registry knows it, so its content digest (its id) and its tag pin it.
    return { id, digest: id, ref: req.tag };
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

  /**
   * The workspace's own container prepares its fresh volume: created (not started) with copy-up
   * allowed, so the engine fills the volume from the image's homePath, then the volume root is
   * given to the template user. startContainer starts that same container, so a first start
   * costs no helper container (create, remove) and no listing.
   */
  async prepareVolume(ws: WorkspaceRuntimeSpec, signal?: AbortSignal): Promise<void> {
    const options = hardenedCreateOptions(
      ws,
      this.labels(ws.workspaceId, ws.ownerId),
      this.config.BERTH_WORKSPACE_NETWORK,
    );
    const home = options.HostConfig.Mounts[0];
    if (home) home.VolumeOptions = { NoCopy: false };
    await this.withEditor(options);
    let id = await this.createContainer(ws, options, signal);
    if (!id) {
      // A container from an attempt that crashed before the volume was prepared: it may have
      // been made without copy-up, so it goes, and this one is made afresh.
      await this.removeContainer(ws.workspaceId, signal);
      id = await this.createContainer(ws, options, signal);
      if (!id) throw new BerthError(ErrorCode.RuntimeFailure, 'a container for this workspace keeps reappearing');
    }
    const container = this.docker.getContainer(id);
    await this.call('preparing the volume', { signal }, (abortSignal) =>
      prepareVolumeOwner(container, ws.spec, abortSignal),
    );
  }

  /** By its name, which is derived from the workspace id: one inspect, no listing. */
  async findContainer(workspaceId: string, signal?: AbortSignal): Promise<ContainerState | null> {
    const info = await this.inspectOwn(workspaceId, signal);
    return info ? stateOf(info) : null;
  }

  async startContainer(ws: WorkspaceRuntimeSpec, signal?: AbortSignal): Promise<ContainerState> {
    let existing = await this.findContainer(ws.workspaceId, signal);
    if (!existing) {
      const options = hardenedCreateOptions(
        ws,
        this.labels(ws.workspaceId, ws.ownerId),
        this.config.BERTH_WORKSPACE_NETWORK,
      );
      await this.withEditor(options);
      const id = await this.createContainer(ws, options, signal);
      // null (409): a concurrent or earlier attempt created it; use that one (idempotent create).
      existing = id ? { id, running: false, ports: [] } : await this.findContainer(ws.workspaceId, signal);
      if (!existing) throw new BerthError(ErrorCode.RuntimeFailure, 'container vanished right after it was created');
    }
    if (existing.running) return existing;
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
    // Published host ports are only known once started; with none declared there is nothing to read.
    if (ws.spec.ports.length === 0) return { id, running: true, ports: [] };
    return this.describe(id, signal);
  }

  /** VS Code in the browser, read-only, when this server has it (the API checks the image's libc). */
  private async withEditor(options: ReturnType<typeof hardenedCreateOptions>): Promise<void> {
    const editorDir = editorInstallDir(this.config);
    if (!editorDir) return;
    await this.ensureEditor(editorDir);
    options.HostConfig.Mounts.push(editorMount());
  }

  /** Creates the named workspace container; null when one of that name exists already (409). */
  private async createContainer(
    ws: WorkspaceRuntimeSpec,
    options: ReturnType<typeof hardenedCreateOptions>,
    signal?: AbortSignal,
  ): Promise<string | null> {
    await Promise.all([this.ensureNetwork(), this.ensureTools()]);
    try {
      const created = await this.call('creating the container', { signal }, (abortSignal) =>
        // The cast: @types/dockerode wants every VolumeOptions field; the engine takes NoCopy alone.
        this.docker.createContainer({
          name: containerName(ws.workspaceId),
          ...(options as unknown as Docker.ContainerCreateOptions),
          abortSignal,
        }),
      );
      return created.id;
    } catch (error) {
      if (statusCodeOf(error) !== 409) throw error;
      return null;
    }
  }

  /**
   * The workspace's container by name. A container of that name that is not this instance's
   * managed container of that workspace is not ours (null), whatever it holds.
   */
  private async inspectOwn(workspaceId: string, signal?: AbortSignal): Promise<Docker.ContainerInspectInfo | null> {
    try {
      const info = await this.call('inspecting the container', { signal }, (abortSignal) =>
        this.docker.getContainer(containerName(workspaceId)).inspect({ abortSignal }),
      );
      const labels = info.Config.Labels ?? {};
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

  async connectToPort(workspaceId: string, port: number, req: PortConnectRequest): Promise<Duplex> {
    if (req.reach === 'loopback') {
      // Inside the container's own network namespace: Berth's relay from the toolset volume, run
      // as the container's user (the template's), needs nothing from the image.
      const relay = { cmd: tcpRelayCommand('127.0.0.1', port), user: '', workdir: '/', env: {}, tty: null };
      return execAsStream(await this.openExec(workspaceId, relay));
    }
    // One inspect by name per connection, never a remembered address: a recreated container gets
    // a new one, and an old address could by then belong to another workspace.
    const info = await this.call('inspecting the container', { signal: req.signal }, (abortSignal) =>
      this.docker.getContainer(containerName(workspaceId)).inspect({ abortSignal }),
    ).catch((error: unknown) => {
      if (statusCodeOf(error) === 404) return null;
      throw error;
    });
    if (!info?.State.Running || info.Config.Labels?.[LABEL_INSTANCE] !== this.config.BERTH_INSTANCE)
      throw new BerthError(ErrorCode.Conflict, 'the workspace is not running');
    const binding = info.NetworkSettings.Ports?.[`${port}/tcp`]?.[0];
    if (!binding?.HostPort) throw new BerthError(ErrorCode.NotFound, `the workspace publishes no port ${port}`);
    return dialTcp(binding.HostIp || '127.0.0.1', Number(binding.HostPort), req.signal);
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

  async listWorkspaces(): Promise<RuntimeWorkspace[]> {
    const byWorkspace = new Map<string, RuntimeWorkspace>();
    for (const c of await this.workspaceContainers()) {
      const entry = byWorkspace.get(c.workspaceId) ?? { workspaceId: c.workspaceId, instance: null, leftovers: 0 };
      if (c.isInstance) entry.instance = { running: c.info.State === 'running', status: c.info.Status };
      else entry.leftovers++;
      byWorkspace.set(c.workspaceId, entry);
    }
    return [...byWorkspace.values()];
  }

  async discard(workspaceId: string): Promise<void> {
    for (const c of await this.workspaceContainers(workspaceId)) await this.removeContainerById(c.info.Id);
  }

  async removeLeftovers(workspaceId: string): Promise<void> {
    for (const c of await this.workspaceContainers(workspaceId))
      if (!c.isInstance) await this.removeContainerById(c.info.Id);
  }

  /**
   * This installation's containers that belong to a workspace (one label-filtered list call): its
   * own container (named berth-ws-<id>) or a one-shot helper carrying the same labels.
   */
  private async workspaceContainers(
    workspaceId?: string,
  ): Promise<{ workspaceId: string; isInstance: boolean; info: Docker.ContainerInfo }[]> {
    const label = [`${LABEL_MANAGED}=true`, `${LABEL_INSTANCE}=${this.config.BERTH_INSTANCE}`];
    label.push(workspaceId ? `${LABEL_WORKSPACE}=${workspaceId}` : LABEL_WORKSPACE);
    const found = await this.call('listing containers', {}, (abortSignal) =>
      this.docker.listContainers({ all: true, filters: { label }, abortSignal }),
    );
    return found.flatMap((info) => {
      const id = info.Labels[LABEL_WORKSPACE];
      return id ? [{ workspaceId: id, isInstance: info.Names.includes(`/${containerName(id)}`), info }] : [];
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

  /** Removes a container by id, at once; gone already is fine. */
  private async removeContainerById(id: string, signal?: AbortSignal): Promise<void> {
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

  async info(): Promise<RuntimeInfo> {
    const info = (await this.call('reading engine info', {}, () => this.docker.info())) as {
      ServerVersion: string;
      ContainersRunning: number;
      Images: number;
    };
    return {
      kind: this.kind,
      serverVersion: info.ServerVersion,
      containersRunning: info.ContainersRunning,
      images: info.Images,
    };
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
    return stateOf(info);
  }

  private async inspectImage(ref: string, signal?: AbortSignal): Promise<ImageInfo | null> {
    try {
      // dockerode's image inspect takes no signal; engineCall still bounds the wait.
      const image = await this.call(`inspecting image ${ref}`, { signal, operation: 'inspecting an image' }, () =>
        this.docker.getImage(ref).inspect(),
      );
      // A registry pin of the repository asked for, only: the same bytes pushed elsewhere (to a
      // registry under another name) must not change what a template version records.
      const repo = ref.includes('@') ? ref.slice(0, ref.indexOf('@')) : ref.replace(/:[^/:]*$/, '');
      const pinned = image.RepoDigests?.find((d) => d.startsWith(`${repo}@`));
      if (pinned) return { digest: pinned.slice(pinned.indexOf('@') + 1), ref: pinned, id: image.Id };
      return { digest: image.Id, ref, id: image.Id };
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

/** Running or not, and the host ports the engine published (known once started). */
function stateOf(info: Docker.ContainerInspectInfo): ContainerState {
  const ports: PublishedPort[] = [];
  for (const [key, bindings] of Object.entries(info.NetworkSettings.Ports ?? {})) {
    const hostPort = bindings?.[0]?.HostPort;
    if (hostPort) ports.push({ port: Number.parseInt(key, 10), name: '', hostPort: Number(hostPort) });
  }
  return { id: info.Id, running: info.State.Running, ports };
}
