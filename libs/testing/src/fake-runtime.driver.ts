import { PassThrough } from 'node:stream';
import { BerthError, ErrorCode } from '#domain';
import { type ContainerStats, type TerminalRequest, type TerminalSession, type ContainerState, type ExecRequest, type ImageBuildRequest, type ImageInfo, type LogSink, type ManagedContainer, type RuntimeDriver, type WorkspaceRuntimeSpec } from '#runtime';

/**
 * In-memory RuntimeDriver for fast orchestration tests (Coder's "echo" provisioner idea). It keeps
 * the same invariants the Docker driver must keep: one container per workspace, volumes only
 * removed by removeVolume. Every behaviour tested with it is also covered against real Docker.
 */
export class FakeRuntimeDriver implements RuntimeDriver {
  readonly images = new Set<string>();
  readonly volumes = new Map<string, { preparedFor: string | null; files: Map<string, string> }>();
  readonly containers = new Map<string, ContainerState & { spec: WorkspaceRuntimeSpec }>();
  readonly calls: string[] = [];
  /** Exit code per script text; anything not listed exits 0. */
  readonly scriptExitCodes = new Map<string, number>();
  private nextPort = 40000;

  ping(): Promise<void> {
    return Promise.resolve();
  }

  ensureImage(ref: string, log: LogSink): Promise<ImageInfo> {
    this.calls.push(`ensureImage ${ref}`);
    if (!this.images.has(ref)) return Promise.reject(new BerthError(ErrorCode.ImageUnavailable, `image ${ref} is not available`));
    log('system', [`using ${ref}`]);
    return Promise.resolve({ digest: `sha256:fake-${ref}`, id: `sha256:id-${ref}` });
  }

  buildImage(req: ImageBuildRequest, log: LogSink): Promise<ImageInfo> {
    this.calls.push(`buildImage ${req.tag}`);
    if (req.dockerfile.includes('RUN false')) return Promise.reject(new BerthError(ErrorCode.RuntimeFailure, 'image build failed: RUN false returned 1'));
    log('stdout', ['Step 1/1 : fake build']);
    this.images.add(req.tag);
    return Promise.resolve({ digest: `sha256:built-${req.tag}`, id: `sha256:built-${req.tag}` });
  }

  hasImage(idOrRef: string): Promise<boolean> {
    return Promise.resolve([...this.images].some((ref) => idOrRef === ref || idOrRef === `sha256:id-${ref}` || idOrRef === `sha256:built-${ref}`));
  }

  ensureVolume(workspaceId: string): Promise<{ created: boolean }> {
    this.calls.push(`ensureVolume ${workspaceId}`);
    if (this.volumes.has(workspaceId)) return Promise.resolve({ created: false });
    this.volumes.set(workspaceId, { preparedFor: null, files: new Map() });
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
    return Promise.resolve(this.containers.get(workspaceId) ?? null);
  }

  startContainer(ws: WorkspaceRuntimeSpec): Promise<ContainerState> {
    this.calls.push(`startContainer ${ws.workspaceId}`);
    const existing = this.containers.get(ws.workspaceId);
    const state = existing ?? {
      id: `fake-${ws.workspaceId}`,
      running: false,
      ports: ws.spec.ports.map((p) => ({ port: p.port, name: '', hostPort: this.nextPort++ })),
      spec: ws,
    };
    state.running = true;
    this.containers.set(ws.workspaceId, state);
    return Promise.resolve(state);
  }

  exec(workspaceId: string, req: ExecRequest, log: LogSink): Promise<number> {
    this.calls.push(`exec ${workspaceId} ${req.cmd.join(' ')}`);
    const script = req.cmd[2] ?? '';
    log('stdout', [`ran: ${script}`]);
    return Promise.resolve(this.scriptExitCodes.get(script) ?? 0);
  }

  removeContainer(workspaceId: string): Promise<void> {
    this.calls.push(`removeContainer ${workspaceId}`);
    this.containers.delete(workspaceId);
    return Promise.resolve();
  }

  /** An echoing "shell": what is written comes back, enough to test the plumbing around it. */
  openTerminal(workspaceId: string, _req: TerminalRequest): Promise<TerminalSession> {
    if (!this.containers.get(workspaceId)?.running) return Promise.reject(new BerthError(ErrorCode.Conflict, 'the workspace is not running'));
    return Promise.resolve({ stream: new PassThrough(), resize: () => Promise.resolve() });
  }

  stats(workspaceId: string): Promise<ContainerStats> {
    if (!this.containers.get(workspaceId)?.running) return Promise.reject(new BerthError(ErrorCode.Conflict, 'the workspace is not running'));
    return Promise.resolve({ cpuPercent: 1.5, memoryBytes: 10e6, memoryLimitBytes: 2048e6 });
  }

  listManagedContainers(): Promise<ManagedContainer[]> {
    return Promise.resolve([...this.containers.entries()].map(([workspaceId, c]) => ({ id: c.id, workspaceId, isWorkspaceContainer: true, running: c.running, status: c.running ? 'Up' : 'Exited (0)' })));
  }

  listManagedVolumes(): Promise<string[]> {
    return Promise.resolve([...this.volumes.keys()]);
  }

  removeContainerById(id: string): Promise<void> {
    for (const [workspaceId, c] of this.containers) if (c.id === id) this.containers.delete(workspaceId);
    return Promise.resolve();
  }

  info(): Promise<{ serverVersion: string; containersRunning: number; images: number }> {
    return Promise.resolve({ serverVersion: 'fake', containersRunning: this.containers.size, images: this.images.size });
  }

  removeVolume(workspaceId: string): Promise<void> {
    this.calls.push(`removeVolume ${workspaceId}`);
    this.volumes.delete(workspaceId);
    return Promise.resolve();
  }
}
