import { type Duplex, type Readable } from 'node:stream';
import { type InteractiveExec, type InteractiveExecRequest } from './interactive-exec.js';
import { type PortConnectRequest } from './port-connection.js';
import { type TemplateSpec } from '#domain';
import { type StreamLimits } from './bounded-lines.js';
import { type ContainerStats } from './stats.js';
import { type TerminalRequest, type TerminalSession } from './terminal.js';

/**
 * The one port through which Berth touches containers. The worker's orchestration only speaks
 * this interface: DockerDriver implements it against a real engine, the fake driver in
 * libs/testing implements it in memory for fast orchestration tests.
 */
export const RUNTIME_DRIVER = Symbol('RUNTIME_DRIVER');

export interface WorkspaceRuntimeSpec {
  workspaceId: string;
  ownerId: string;
  /** Becomes the container hostname (a DNS label). */
  hostname: string;
  /** The image to run: the template version's pinned local image id. */
  image: string;
  spec: TemplateSpec;
  /** Extra environment from Berth itself (workspace id, owner), merged over the template's. */
  env: Record<string, string>;
}

export interface PublishedPort {
  port: number;
  name: string;
  /**
   * Where the engine published the port on its host (127.0.0.1), shown to the owner. Berth itself
   * never dials it: it reaches ports through RuntimeDriver.connectToPort (a driver may answer 0).
   */
  hostPort: number;
}

/**
 * What the runtime holds for one workspace, as the reconciler sees it: the workspace, not the
 * engine's objects (a driver's one-shot helpers are counted as leftovers, never listed as
 * workspaces; objects of no workspace, such as image build steps, are not listed at all).
 */
export interface RuntimeWorkspace {
  workspaceId: string;
  /** The workspace's own container (or service…); null when only leftovers of it remain. */
  instance: {
    running: boolean;
    /** The engine's words, e.g. "Exited (137) 2 minutes ago", "Removal In Progress". */
    status: string;
  } | null;
  /** One-shot objects of a step a crash cut short (never the volume): removeLeftovers clears them. */
  leftovers: number;
}

/** A home volume as its labels describe it. */
export interface ManagedVolume {
  name: string;
  workspaceId: string;
  /** The owner when the volume was made (Docker labels cannot change; Postgres holds the owner of record). */
  ownerLabel: string | null;
  createdAt: string | null;
}

export interface ContainerState {
  id: string;
  running: boolean;
  ports: PublishedPort[];
}

export interface ImageInfo {
  /**
   * Repo digest when the image came from a registry, else its content digest: the image config's
   * sha256, which is the image's id on every engine that holds this very image.
   */
  digest: string;
  /**
   * What any host resolves to this image: `repo@sha256:…` when it came from a registry, else the
   * reference it was pulled or built as (usable only where its digest is the same).
   */
  ref: string;
  /** This engine's local image id (sha256:…), what containers are created from: a cache. */
  id: string;
}

/** Engine facts for the admin system page (`GET /admin/system`, key `runtime`). */
export interface RuntimeInfo {
  kind: string;
  serverVersion: string;
  containersRunning: number;
  images: number;
}

/** One host that runs workspaces (`GET /admin/nodes`): a single engine is one node. */
export interface RuntimeNode {
  id: string;
  hostname: string;
  /** The orchestrator's words: ready, down, unknown, disconnected. */
  state: string;
  /** No new workspaces are placed on a cordoned node; those there keep running. */
  cordoned: boolean;
  cordonReason: string | null;
  nanoCpus: number;
  memoryBytes: number;
  /** Workspaces whose home lives there (running or not), and those running there now. */
  workspaces: number;
  running: number;
  /** The node's no-new-privileges check: ok, refused, or unchecked (not probed yet). */
  hardening: 'ok' | 'refused' | 'unchecked';
}

export interface ImageBuildRequest {
  tag: string;
  dockerfile: string;
  files: Record<string, string>;
  args: Record<string, string>;
  labels: Record<string, string>;
}

export type LogSink = (stream: 'stdout' | 'stderr' | 'system', lines: string[]) => void;

export interface ExecRequest {
  cmd: string[];
  user: string;
  workdir: string;
  env?: Record<string, string>;
  timeoutMs: number;
  /**
   * Aborting it ends the command in the container (the build stage was cancelled or timed out,
   * the exec's client went away).
   */
  signal?: AbortSignal;
  /** Line and output caps for each stream; the driver's configured ones when absent. */
  limits?: StreamLimits;
}

/**
 * Every method fails with `BerthError(Unavailable)` when the engine does not answer (stopped,
 * restarting, hung past its deadline): the API answers 503 and the worker tries again. Methods on
 * a build's path take the stage's AbortSignal, so a cancelled or timed-out stage closes its request.
 */
export interface RuntimeDriver {
  /** The `BERTH_RUNTIME` value this driver serves; also the name of its readiness check. */
  readonly kind: string;
  /** Throws when the engine does not answer. */
  ping(): Promise<void>;
  /** Uses the local image, or pulls it with progress logged; throws ImageUnavailable otherwise. */
  ensureImage(ref: string, log: LogSink, signal?: AbortSignal): Promise<ImageInfo>;
  /** Builds a Dockerfile (output logged); throws RuntimeFailure with the builder's error. */
  buildImage(req: ImageBuildRequest, log: LogSink, signal?: AbortSignal): Promise<ImageInfo>;
  /**
   * True when an image with this id (or reference) is present locally. Never pulls.
   */
  hasImage(idOrRef: string, signal?: AbortSignal): Promise<boolean>;
  /** Creates the workspace volume if it does not exist. Never deletes anything. */
  ensureVolume(workspaceId: string, ownerId: string, signal?: AbortSignal): Promise<{ created: boolean }>;
  /** Makes the (fresh) volume's root owned by the template user, so a non-root user can write. */
  prepareVolume(ws: WorkspaceRuntimeSpec, signal?: AbortSignal): Promise<void>;
  /** Found by label, never by a remembered id, so a lost id cannot leave a duplicate. */
  findContainer(workspaceId: string, signal?: AbortSignal): Promise<ContainerState | null>;
  /** Creates (if missing) and starts the hardened container; returns its published ports. */
  startContainer(ws: WorkspaceRuntimeSpec, signal?: AbortSignal): Promise<ContainerState>;
  /**
   * Of these container ports, the ones that do not accept a TCP connection yet, probed on the
   * container's own address on the workspace network (the published 127.0.0.1 port is answered by
   * the engine's proxy even when nothing listens). Throws RuntimeFailure when the container is not running.
   */
  closedPorts(workspaceId: string, ports: number[], signal?: AbortSignal): Promise<number[]>;
  /** Runs a command in the running container; resolves with its exit code. */
  exec(workspaceId: string, req: ExecRequest, log: LogSink): Promise<number>;
  /** Stops and removes the container if there is one. The volume is untouched. */
  removeContainer(workspaceId: string, signal?: AbortSignal): Promise<void>;
  /** Removes the workspace volume: only ever called by the delete transition. */
  removeVolume(workspaceId: string, signal?: AbortSignal): Promise<void>;
  /**
   * Bytes used by each of these workspaces' home volumes (which must exist), measured with Berth's
   * own tool; a volume that could not be measured is missing from the map.
   */
  measureHomes(workspaceIds: readonly string[], signal?: AbortSignal): Promise<Map<string, number>>;
  /**
   * The home volume (which must exist) as one tar stream, read by the engine through a helper of
   * Berth's toolset image that is never started; `close` removes the helper once it was read.
   */
  openHomeArchive(workspaceId: string, signal?: AbortSignal): Promise<{ stream: Readable; close: () => Promise<void> }>;
  /** Replaces the home volume's content with an archive from openHomeArchive (tar or gzip). */
  replaceHome(workspaceId: string, archive: Readable, signal?: AbortSignal): Promise<void>;
  /** Freezes the running container's processes (a consistent snapshot); false when none runs. */
  pauseContainer(workspaceId: string, signal?: AbortSignal): Promise<boolean>;
  unpauseContainer(workspaceId: string): Promise<void>;
  /** Whether a program is in the running container's filesystem (looked up as exec would; nothing runs). */
  hasProgram(workspaceId: string, program: string, signal?: AbortSignal): Promise<boolean>;
  /** An interactive shell in the running container (the browser terminal); Conflict when the image has no sh. */
  openTerminal(workspaceId: string, req: TerminalRequest): Promise<TerminalSession>;
  /**
   * A TCP connection to `port` in the running workspace (the app origins' proxy, ssh -L), however
   * the engine reaches it. Conflict when the workspace is not running; NotFound when `published`
   * and the template does not publish the port; RuntimeFailure when nothing answers.
   */
  connectToPort(workspaceId: string, port: number, req: PortConnectRequest): Promise<Duplex>;
  /** A process with its stdin open in the running container (SSH sessions, port relays). */
  openExec(workspaceId: string, req: InteractiveExecRequest): Promise<InteractiveExec>;
  /** Current CPU and memory use of the running container. */
  stats(workspaceId: string): Promise<ContainerStats>;
  /** Every workspace this installation's engine holds something of, in one list call. */
  listWorkspaces(): Promise<RuntimeWorkspace[]>;
  /** This installation's home volumes with their labels (the admin's volume inventory). */
  inventoryVolumes(): Promise<ManagedVolume[]>;
  /** Workspace ids of this installation's volumes (for reporting orphans; never deleted here). */
  listManagedVolumes(): Promise<string[]>;
  /**
   * Removes at once (no stop grace) everything of this workspace but its volume: its container and
   * any leftovers. For orphans and out-of-band starts; idempotent.
   */
  discard(workspaceId: string): Promise<void>;
  /** Removes the workspace's leftovers only (its container and volume stay); idempotent. */
  removeLeftovers(workspaceId: string): Promise<void>;
  /** Engine facts for the admin health page. */
  info(): Promise<RuntimeInfo>;
  /** The hosts that run workspaces, with capacity and load (one for a single engine). */
  nodes(): Promise<RuntimeNode[]>;
  /**
   * Cordons (no new workspaces) or uncordons a node; NotFound for an unknown node, Conflict where
   * the runtime has no nodes to cordon (one engine).
   */
  cordonNode(nodeId: string, cordoned: boolean, reason?: string): Promise<RuntimeNode>;
}
