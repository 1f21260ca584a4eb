import { PassThrough, type Duplex, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { sleep } from '#common';
import { BerthError, ErrorCode } from '#domain';
import {
  type ContainerStats,
  type TerminalRequest,
  type TerminalSession,
  type InteractiveExec,
  type InteractiveExecRequest,
  type ContainerState,
  type ExecRequest,
  type ImageBuildRequest,
  type ImageInfo,
  type LogSink,
  type RuntimeWorkspace,
  type ManagedVolume,
  type RuntimeDriver,
  workspaceLabels,
  type PortConnectRequest,
  type RuntimeInfo,
  type RuntimeNode,
  type WorkspaceRuntimeSpec,
} from '#runtime';

/**
 * In-memory RuntimeDriver for fast orchestration tests (Coder's "echo" provisioner idea). It keeps
 * the same invariants the Docker driver must keep: one container per workspace, volumes only
 * removed by removeVolume. Every behaviour tested with it is also covered against real Docker.
 */
export class FakeRuntimeDriver implements RuntimeDriver {
  readonly kind = 'fake';
  readonly images = new Set<string>();
  readonly volumes = new Map<string, { preparedFor: string | null; files: Map<string, string>; ownerId?: string }>();
  readonly containers = new Map<string, ContainerState & { spec: WorkspaceRuntimeSpec }>();
  readonly calls: string[] = [];
  /** Exit code per script text; anything not listed exits 0. */
  readonly scriptExitCodes = new Map<string, number>();
  /** How long a script runs (ms), per script text; it stops early when its signal aborts. */
  readonly scriptDurations = new Map<string, number>();
  /** Method name → the error its next calls fail with, and how many more times. */
  private readonly faults = new Map<string, { error: Error; times: number }>();
  private nextPort = 40000;

  /** The next `times` calls of `method` fail with `error` (e.g. an engine that is away for a while). */
  failNext(method: keyof RuntimeDriver, error: Error, times = 1): void {
    this.faults.set(method, { error, times });
  }

  private fault(method: keyof RuntimeDriver): Error | null {
    const fault = this.faults.get(method);
    if (!fault || fault.times <= 0) return null;
    fault.times--;
    return fault.error;
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  ensureImage(ref: string, log: LogSink): Promise<ImageInfo> {
    this.calls.push(`ensureImage ${ref}`);
    if (!this.images.has(ref))
      return Promise.reject(new BerthError(ErrorCode.ImageUnavailable, `image ${ref} is not available`));
    log('system', [`using ${ref}`]);
    return Promise.resolve({ digest: `sha256:fake-${ref}`, ref: `${ref}@sha256:fake-${ref}`, id: `sha256:id-${ref}` });
  }

  buildImage(req: ImageBuildRequest, log: LogSink): Promise<ImageInfo> {
    this.calls.push(`buildImage ${req.tag}`);
    if (req.dockerfile.includes('RUN false'))
      return Promise.reject(new BerthError(ErrorCode.RuntimeFailure, 'image build failed: RUN false returned 1'));
    log('stdout', ['Step 1/1 : fake build']);
    this.images.add(req.tag);
    return Promise.resolve({ digest: `sha256:built-${req.tag}`, ref: req.tag, id: `sha256:built-${req.tag}` });
  }

  hasImage(idOrRef: string): Promise<boolean> {
    return Promise.resolve(
      [...this.images].some(
        (ref) => idOrRef === ref || idOrRef === `sha256:id-${ref}` || idOrRef === `sha256:built-${ref}`,
      ),
    );
  }

  ensureVolume(workspaceId: string, ownerId: string): Promise<{ created: boolean }> {
    this.calls.push(`ensureVolume ${workspaceId}`);
    const fault = this.fault('ensureVolume');
    if (fault) return Promise.reject(fault);
    if (this.volumes.has(workspaceId)) return Promise.resolve({ created: false });
    this.volumes.set(workspaceId, { preparedFor: null, files: new Map(), ownerId });
    return Promise.resolve({ created: true });
  }

  prepareVolume(ws: WorkspaceRuntimeSpec): Promise<void> {
    this.calls.push(`prepareVolume ${ws.workspaceId}`);
    const volume = this.volumes.get(ws.workspaceId);
    if (!volume) return Promise.reject(new Error('prepareVolume before ensureVolume'));
    volume.preparedFor = ws.spec.user;
    return Promise.resolve();
  }

  findContainer(workspaceId: string): Promise<ContainerState | null> {
    this.calls.push(`findContainer ${workspaceId}`);
    return Promise.resolve(this.containers.get(workspaceId) ?? null);
  }

  startContainer(ws: WorkspaceRuntimeSpec): Promise<ContainerState> {
    this.calls.push(`startContainer ${ws.workspaceId}`);
    const fault = this.fault('startContainer');
    if (fault) return Promise.reject(fault);
    const existing = this.containers.get(ws.workspaceId);
    const state = existing ?? {
      id: `fake-${ws.workspaceId}-${this.nextPort}`,
      running: false,
      ports: ws.spec.ports.map((p) => ({ port: p.port, name: '', hostPort: this.nextPort++ })),
      spec: ws,
    };
    state.running = true;
    this.containers.set(ws.workspaceId, state);
    return Promise.resolve(state);
  }

  /** Port → how many more probes find it closed (a server still starting); absent: open. */
  readonly portsClosedFor = new Map<number, number>();

  closedPorts(workspaceId: string, ports: number[]): Promise<number[]> {
    this.calls.push(`closedPorts ${workspaceId} ${ports.join(',')}`);
    if (!this.containers.get(workspaceId)?.running)
      return Promise.reject(new BerthError(ErrorCode.RuntimeFailure, 'the workspace container is gone'));
    const closed = ports.filter((port) => (this.portsClosedFor.get(port) ?? 0) > 0);
    for (const port of closed) this.portsClosedFor.set(port, this.portsClosedFor.get(port)! - 1);
    return Promise.resolve(closed);
  }

  async exec(workspaceId: string, req: ExecRequest, log: LogSink): Promise<number> {
    this.calls.push(`exec ${workspaceId} ${req.cmd.join(' ')}`);
    if (!this.containers.get(workspaceId)?.running)
      throw new BerthError(ErrorCode.RuntimeFailure, 'the workspace container is not running');
    const script = req.cmd[2] ?? '';
    await sleep(this.scriptDurations.get(script) ?? 0, req.signal);
    const known = this.scriptExitCodes.get(script);
    if (known === undefined) {
      const code = this.interpret(workspaceId, script, log);
      if (code !== null) return code;
    }
    log('stdout', [`ran: ${script}`]);
    return known ?? 0;
  }

  /**
   * The few shell commands the RuntimeDriver contract runs (`exit N`, `echo X > file`, `cat file`),
   * with files kept in the workspace's volume; null for any other script.
   */
  private interpret(workspaceId: string, script: string, log: LogSink): number | null {
    const files = this.volumes.get(workspaceId)?.files;
    const exit = /^exit (\d+)$/.exec(script);
    if (exit) return Number(exit[1]);
    const write = /^echo (.*) > (\S+)$/.exec(script);
    if (write && files) {
      files.set(write[2]!, `${write[1]!}\n`);
      return 0;
    }
    const read = /^cat (\S+)$/.exec(script);
    if (read && files) {
      const text = files.get(read[1]!);
      if (text === undefined) return 1;
      log('stdout', text.trimEnd().split('\n'));
      return 0;
    }
    return null;
  }

  /** The labels the Docker driver would put on this workspace's objects (its container, its volume). */
  objectLabels(workspaceId: string, instance = 'fake'): Record<string, string>[] {
    const owners = [this.containers.get(workspaceId)?.spec.ownerId, this.volumes.get(workspaceId)?.ownerId];
    return owners
      .filter((owner): owner is string => owner !== undefined)
      .map((owner) => workspaceLabels(workspaceId, owner, instance));
  }

  removeContainer(workspaceId: string): Promise<void> {
    this.calls.push(`removeContainer ${workspaceId}`);
    this.containers.delete(workspaceId);
    return Promise.resolve();
  }

  /** An echoing "shell": what is written comes back, enough to test the plumbing around it. */
  /** Home usage the fake reports, per workspace (tests set it); 0 when unset. */
  readonly homeUsage = new Map<string, number>();

  measureHomes(workspaceIds: readonly string[]): Promise<Map<string, number>> {
    return Promise.resolve(new Map(workspaceIds.map((id) => [id, this.homeUsage.get(id) ?? 0])));
  }

  /** The fake home as a tar of its `files` map (the real driver's archive has owners, modes and times too). */
  openHomeArchive(workspaceId: string): Promise<{ stream: Readable; close: () => Promise<void> }> {
    this.calls.push(`openHomeArchive ${workspaceId}`);
    const volume = this.volumes.get(workspaceId);
    if (!volume) return Promise.reject(new BerthError(ErrorCode.RuntimeFailure, 'no such volume'));
    const pack = tar.pack();
    for (const [name, content] of volume.files) pack.entry({ name: `home/${name}` }, content);
    pack.finalize();
    return Promise.resolve({ stream: pack as unknown as Readable, close: () => Promise.resolve() });
  }

  async replaceHome(workspaceId: string, archive: Readable): Promise<void> {
    this.calls.push(`replaceHome ${workspaceId}`);
    const volume = this.volumes.get(workspaceId);
    if (!volume) throw new BerthError(ErrorCode.RuntimeFailure, 'no such volume');
    const files = new Map<string, string>();
    const extract = tar.extract();
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        if (header.type === 'file') files.set(header.name.replace(/^home\//, ''), Buffer.concat(chunks).toString());
        next();
      });
    });
    const head = archive.pipe(new PassThrough());
    await pipeline(head, createGunzip(), extract);
    volume.files = files;
  }

  readonly paused = new Set<string>();

  pauseContainer(workspaceId: string): Promise<boolean> {
    if (!this.containers.get(workspaceId)?.running) return Promise.resolve(false);
    this.calls.push(`pause ${workspaceId}`);
    this.paused.add(workspaceId);
    return Promise.resolve(true);
  }

  unpauseContainer(workspaceId: string): Promise<void> {
    this.calls.push(`unpause ${workspaceId}`);
    this.paused.delete(workspaceId);
    return Promise.resolve();
  }

  /** Every program exists, except in images whose name says they are minimal (`…static…`). */
  hasProgram(workspaceId: string, _program: string): Promise<boolean> {
    return Promise.resolve(!(this.containers.get(workspaceId)?.spec.image ?? '').includes('static'));
  }

  openTerminal(workspaceId: string, _req: TerminalRequest): Promise<TerminalSession> {
    if (!this.containers.get(workspaceId)?.running)
      return Promise.reject(new BerthError(ErrorCode.Conflict, 'the workspace is not running'));
    const stream = new PassThrough();
    return Promise.resolve({
      stream,
      resize: () => Promise.resolve(),
      close: () => Promise.resolve(void stream.destroy()),
    });
  }

  /**
   * Every port of a running fake workspace has an echo server (what is written comes back); only
   * the ones its template publishes are reachable from outside it.
   */
  connectToPort(workspaceId: string, port: number, req: PortConnectRequest): Promise<Duplex> {
    this.calls.push(`connectToPort ${workspaceId} ${port} ${req.reach}`);
    const container = this.containers.get(workspaceId);
    if (!container?.running) return Promise.reject(new BerthError(ErrorCode.Conflict, 'the workspace is not running'));
    if (req.reach === 'published' && !container.spec.spec.ports.some((p) => p.port === port))
      return Promise.reject(new BerthError(ErrorCode.NotFound, `the workspace publishes no port ${port}`));
    return Promise.resolve(new PassThrough());
  }

  /** Echoes stdin to stdout and exits 0 when stdin ends. */
  openExec(workspaceId: string, _req: InteractiveExecRequest): Promise<InteractiveExec> {
    if (!this.containers.get(workspaceId)?.running)
      return Promise.reject(new BerthError(ErrorCode.Conflict, 'the workspace is not running'));
    const io = new PassThrough();
    const stderr = new PassThrough();
    const exited = new Promise<number>((resolve) => io.on('end', () => resolve(0)));
    io.on('end', () => stderr.end());
    return Promise.resolve({
      stdin: io,
      stdout: io,
      stderr,
      resize: () => Promise.resolve(),
      exited,
      close: () => io.destroy(),
    });
  }

  stats(workspaceId: string): Promise<ContainerStats> {
    if (!this.containers.get(workspaceId)?.running)
      return Promise.reject(new BerthError(ErrorCode.Conflict, 'the workspace is not running'));
    return Promise.resolve({ cpuPercent: 1.5, memoryBytes: 10e6, memoryLimitBytes: 2048e6 });
  }

  /** Leftover one-shot objects per workspace (a crash mid-step); tests set them. */
  readonly leftovers = new Map<string, number>();

  listWorkspaces(): Promise<RuntimeWorkspace[]> {
    this.calls.push('listWorkspaces');
    const ids = new Set([...this.containers.keys(), ...this.leftovers.keys()]);
    return Promise.resolve(
      [...ids].map((workspaceId) => {
        const c = this.containers.get(workspaceId);
        return {
          workspaceId,
          instance: c ? { running: c.running, status: c.running ? 'Up' : 'Exited (0)' } : null,
          leftovers: this.leftovers.get(workspaceId) ?? 0,
        };
      }),
    );
  }

  discard(workspaceId: string): Promise<void> {
    this.calls.push(`discard ${workspaceId}`);
    this.containers.delete(workspaceId);
    this.leftovers.delete(workspaceId);
    return Promise.resolve();
  }

  removeLeftovers(workspaceId: string): Promise<void> {
    this.calls.push(`removeLeftovers ${workspaceId}`);
    this.leftovers.delete(workspaceId);
    return Promise.resolve();
  }

  inventoryVolumes(): Promise<ManagedVolume[]> {
    return Promise.resolve(
      [...this.volumes.keys()].map((id) => ({
        name: `berth-ws-${id}-home`,
        workspaceId: id,
        ownerLabel: null,
        createdAt: null,
      })),
    );
  }

  listManagedVolumes(): Promise<string[]> {
    this.calls.push('listManagedVolumes');
    return Promise.resolve([...this.volumes.keys()]);
  }

  nodes(): Promise<RuntimeNode[]> {
    const running = [...this.containers.values()].filter((c) => c.running).length;
    return Promise.resolve([
      {
        id: 'fake',
        hostname: 'fake',
        state: 'ready',
        cordoned: false,
        cordonReason: null,
        nanoCpus: 2e9,
        memoryBytes: 2 ** 33,
        workspaces: this.volumes.size,
        running,
        hardening: 'ok',
      },
    ]);
  }

  cordonNode(): Promise<RuntimeNode> {
    return Promise.reject(new BerthError(ErrorCode.Conflict, 'the fake runtime has one node'));
  }

  info(): Promise<RuntimeInfo> {
    return Promise.resolve({
      kind: this.kind,
      serverVersion: 'fake',
      containersRunning: this.containers.size,
      images: this.images.size,
    });
  }

  removeVolume(workspaceId: string): Promise<void> {
    this.calls.push(`removeVolume ${workspaceId}`);
    this.volumes.delete(workspaceId);
    return Promise.resolve();
  }
}
