import { posix } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import tar from 'tar-stream';
import type Docker from 'dockerode';
import {
  BerthError,
  ErrorCode,
  dockerfileProblems,
  expandVariables,
  keyValues,
  parseDockerfile,
  splitWords,
  type DockerfileInstruction,
} from '#domain';
import { BoundedLineReader, type StreamLimits } from './bounded-lines.js';
import { followEvents } from './engine-events.js';
import { pullImage } from './image-puller.js';
import { statusCodeOf } from './docker-errors.js';
import { type ImageBuildRequest, type LogSink } from './runtime.driver.js';

/**
 * Limits and isolation of every build step. Docker 20.10's build API refuses security options
 * ("does not support setting security options on build"), so its builder cannot drop capabilities;
 * the sealed builder runs each RUN step itself as a hardened container and commits it.
 */
export interface SealedBuildOptions {
  /** A bridge that cannot reach the host (scripts/build-network.sh). */
  network: string;
  memoryBytes: number;
  nanoCpus: number;
  pidsLimit: number;
  /** Everything else is dropped (the capabilities workspaces never get back). */
  capAdd: readonly string[];
  contextMaxBytes: number;
  /** Caps on each step's output (the one bounded reader). */
  streamLimits: StreamLimits;
  /** Labels on the step containers (so a crash's leftovers are found and removed). */
  labels: Record<string, string>;
}

interface ImageConfig {
  Env: string[];
  WorkingDir: string;
  User: string;
  Cmd: string[] | null;
  Entrypoint: string[] | null;
  Labels: Record<string, string>;
  ExposedPorts: Record<string, object>;
  StopSignal?: string;
}

interface Stage {
  image: string;
  config: ImageConfig;
  shell: string[];
  args: Map<string, string>;
}

const SCRATCH_TAG = 'berth-build/scratch:empty';

const fail = (ins: DockerfileInstruction, message: string): BerthError =>
  new BerthError(ErrorCode.RuntimeFailure, `line ${ins.line}: ${ins.keyword} ${message}`);

/**
 * Builds the template's Dockerfile, and only it: instruction by instruction, each RUN in a
 * container with CapDrop ALL (plus the workspace capability allowlist), no-new-privileges,
 * memory, CPU and pids limits, on the build network; files come only from the request's context.
 * Resolves with the id of the image tagged `req.tag`.
 */
export async function sealedBuild(
  docker: Docker,
  req: ImageBuildRequest,
  options: SealedBuildOptions,
  log: LogSink,
  signal: AbortSignal,
): Promise<string> {
  const refused = dockerfileProblems(req.dockerfile, () => true, req.args)[0];
  if (refused) throw new BerthError(ErrorCode.ImageUnavailable, refused.message);
  const contextBytes = Object.values(req.files).reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  if (contextBytes > options.contextMaxBytes)
    throw new BerthError(
      ErrorCode.ImageUnavailable,
      `the build context is ${contextBytes} bytes, over the limit of ${options.contextMaxBytes}`,
    );
  const builder = new StepRunner(docker, options, log, signal);
  const stages: { name: string; image: string }[] = [];
  const globalArgs = new Map<string, string>();
  let stage: Stage | null = null;
  let stageName = '';

  const finishStage = async (): Promise<void> => {
    if (!stage) return;
    stages.push({ name: stageName, image: await builder.commitConfig(stage) });
  };
  const stageImage = (ref: string): string | undefined =>
    stages.find((s) => s.name === ref.toLowerCase())?.image ??
    (/^\d+$/.test(ref) ? stages[Number(ref)]?.image : undefined);

  for (const ins of parseDockerfile(req.dockerfile)) {
    if (ins.keyword === 'FROM') {
      await finishStage();
      const words = splitWords(ins.args);
      const ref = expandVariables(words[0] ?? '', globalArgs);
      stageName = words[1]?.toUpperCase() === 'AS' ? (words[2] ?? '').toLowerCase() : `#${stages.length}`;
      const image = stageImage(ref) ?? (ref === 'scratch' ? await builder.scratch() : await builder.ensure(ref));
      log('system', [`line ${ins.line}: FROM ${ref}`]);
      stage = { image, config: await builder.config(image), shell: ['/bin/sh', '-c'], args: new Map() };
      continue;
    }
    if (!stage) {
      // Only ARG may come before the first FROM (checked); its values serve the FROM lines.
      for (const [name, value] of keyValues(ins.args, false))
        globalArgs.set(name, req.args[name] ?? expandVariables(value, globalArgs));
      continue;
    }
    await applyInstruction(builder, stage, ins, { req, globalArgs, stageImage });
  }
  await finishStage();
  if (!stage) throw new BerthError(ErrorCode.ImageUnavailable, 'the Dockerfile has no FROM line');
  return builder.commitConfig(stage, { tag: req.tag, labels: req.labels });
}

interface BuildContext {
  req: ImageBuildRequest;
  globalArgs: Map<string, string>;
  stageImage: (ref: string) => string | undefined;
}

async function applyInstruction(
  builder: StepRunner,
  stage: Stage,
  ins: DockerfileInstruction,
  ctx: BuildContext,
): Promise<void> {
  const { config } = stage;
  const env = new Map(config.Env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  // ENV wins over ARG, as in Docker.
  const vars = new Map([...stage.args, ...env]);
  const expand = (text: string): string => expandVariables(text, vars);
  const commandOf = (): string[] => ins.json ?? [...stage.shell, ins.args];
  switch (ins.keyword) {
    case 'ARG':
      for (const [name, value] of keyValues(ins.args, false))
        stage.args.set(name, ctx.req.args[name] ?? ctx.globalArgs.get(name) ?? expand(value));
      return;
    case 'ENV':
      for (const [name, value] of keyValues(ins.args, true)) env.set(name, expand(value));
      config.Env = [...env].map(([k, v]) => `${k}=${v}`);
      return;
    case 'LABEL':
      for (const [name, value] of keyValues(ins.args, false)) config.Labels[expand(name)] = expand(value);
      return;
    case 'MAINTAINER':
      return;
    case 'WORKDIR':
      config.WorkingDir = posix.resolve(config.WorkingDir || '/', expand(ins.args));
      return;
    case 'USER':
      config.User = expand(ins.args);
      return;
    case 'SHELL':
      if (!ins.json) throw fail(ins, 'needs the JSON form, e.g. SHELL ["/bin/bash", "-c"]');
      stage.shell = ins.json;
      return;
    case 'CMD':
      config.Cmd = commandOf();
      return;
    case 'ENTRYPOINT':
      config.Entrypoint = commandOf();
      return;
    case 'EXPOSE':
      for (const port of splitWords(expand(ins.args)))
        config.ExposedPorts[port.includes('/') ? port : `${port}/tcp`] = {};
      return;
    case 'STOPSIGNAL':
      config.StopSignal = expand(ins.args);
      return;
    case 'RUN': {
      // Build args are visible to the step but not kept in the image (as in Docker).
      const runEnv = [...new Map([...stage.args, ...env])].map(([k, v]) => `${k}=${v}`);
      stage.image = await builder.run(stage, ins, commandOf(), runEnv);
      return;
    }
    case 'COPY':
    case 'ADD': {
      const words = (ins.json ?? splitWords(ins.args)).map(expand);
      const dest = words.pop();
      if (!dest || words.length === 0) throw fail(ins, 'needs a source and a destination');
      const target = posix.resolve(config.WorkingDir || '/', dest);
      const intoDir = dest.endsWith('/') || words.length > 1;
      const owner = ownerOf(ins, ins.flags.chown);
      const mode = ins.flags.chmod ? Number.parseInt(ins.flags.chmod, 8) : undefined;
      const from = ins.flags.from;
      if (from !== undefined) {
        const source = ctx.stageImage(from) ?? (await builder.ensure(from));
        stage.image = await builder.copyFromImage(stage, ins, source, words, { target, intoDir, owner, mode });
      } else {
        const entries = contextEntries(ins, ctx.req.files, words, target, intoDir);
        stage.image = await builder.copyEntries(stage, entries, { owner, mode });
      }
      return;
    }
    default:
      throw fail(ins, 'is not supported by Berth’s builder');
  }
}

function ownerOf(ins: DockerfileInstruction, chown: string | undefined): { uid: number; gid: number } {
  if (chown === undefined) return { uid: 0, gid: 0 };
  const match = /^(\d+)(?::(\d+))?$/.exec(chown);
  if (!match) throw fail(ins, `--chown=${chown}: use numeric uid[:gid] (names are not resolved)`);
  const uid = Number(match[1]);
  return { uid, gid: match[2] === undefined ? uid : Number(match[2]) };
}

/** Files of the context a COPY names (a file, a folder, `.`, or a `*` glob), with their targets. */
function contextEntries(
  ins: DockerfileInstruction,
  files: Record<string, string>,
  sources: string[],
  target: string,
  intoDir: boolean,
): { path: string; content: string }[] {
  const entries: { path: string; content: string }[] = [];
  for (const raw of sources) {
    const source = posix.normalize(raw).replace(/^(\.\/)+|\/+$/g, '');
    if (source.startsWith('..') || source.startsWith('/')) throw fail(ins, `${raw} lies outside the build context`);
    const glob = new RegExp(`^${source.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
    let matched = false;
    for (const [name, content] of Object.entries(files)) {
      const path = posix.normalize(name);
      if (source === '.' || source === '') {
        entries.push({ path: posix.join(target, path), content });
      } else if (glob.test(path)) {
        entries.push({
          path: intoDir || source.includes('*') ? posix.join(target, posix.basename(path)) : target,
          content,
        });
      } else if (path.startsWith(`${source}/`)) {
        entries.push({ path: posix.join(target, path.slice(source.length + 1)), content });
      } else continue;
      matched = true;
    }
    if (!matched && source !== '.' && source !== '')
      throw fail(ins, `${raw}: no such file in the build context (template build.files)`);
  }
  return entries;
}

/** The engine calls of the sealed builder; every step container is removed when its step ends. */
class StepRunner {
  constructor(
    private readonly docker: Docker,
    private readonly options: SealedBuildOptions,
    private readonly log: LogSink,
    private readonly signal: AbortSignal,
  ) {}

  /** A base image present locally, pulled when missing (the allowlist was checked before). */
  async ensure(ref: string): Promise<string> {
    try {
      return (await this.docker.getImage(ref).inspect()).Id;
    } catch (error) {
      if (statusCodeOf(error) !== 404) throw error;
    }
    this.log('system', [`image ${ref} is not present locally; pulling`]);
    await pullImage(this.docker, ref, this.log, this.signal, this.options.streamLimits);
    return (await this.docker.getImage(ref).inspect()).Id;
  }

  /** `FROM scratch`: an empty imported image (the engine cannot create a container from nothing). */
  async scratch(): Promise<string> {
    try {
      return (await this.docker.getImage(SCRATCH_TAG).inspect()).Id;
    } catch (error) {
      if (statusCodeOf(error) !== 404) throw error;
    }
    const pack = tar.pack();
    pack.finalize();
    const [repo, tag] = SCRATCH_TAG.split(':');
    const stream = await this.docker.importImage(pack as unknown as Readable, {
      repo,
      tag,
      abortSignal: this.signal,
    });
    await followEvents(stream, () => undefined);
    return (await this.docker.getImage(SCRATCH_TAG).inspect()).Id;
  }

  async config(image: string): Promise<ImageConfig> {
    const info = await this.docker.getImage(image).inspect();
    const c = info.Config;
    return {
      Env: c.Env ?? [],
      WorkingDir: c.WorkingDir ?? '',
      User: c.User ?? '',
      Cmd: c.Cmd ?? null,
      Entrypoint: (c.Entrypoint as string[] | null | undefined) ?? null,
      Labels: { ...(c.Labels ?? {}) },
      ExposedPorts: { ...(c.ExposedPorts ?? {}) },
      StopSignal: (c as { StopSignal?: string }).StopSignal,
    };
  }

  /** One RUN step as a hardened, limited container on the build network; committed when it exits 0. */
  async run(stage: Stage, ins: DockerfileInstruction, cmd: string[], env: string[]): Promise<string> {
    this.log('system', [`line ${ins.line}: RUN ${ins.args.replace(/\s+/g, ' ').slice(0, 200)}`]);
    const o = this.options;
    return this.withContainer(
      stage,
      {
        Cmd: cmd,
        Env: env,
        HostConfig: {
          NetworkMode: o.network,
          CapDrop: ['ALL'],
          CapAdd: [...o.capAdd],
          SecurityOpt: ['no-new-privileges:true'],
          Memory: o.memoryBytes,
          MemorySwap: o.memoryBytes,
          NanoCpus: o.nanoCpus,
          PidsLimit: o.pidsLimit,
          Privileged: false,
          LogConfig: { Type: 'none', Config: {} },
        },
      },
      async (container) => {
        const stream = await container.attach({ stream: true, stdout: true, stderr: true, abortSignal: this.signal });
        const ended = this.relay(stream);
        await container.start({ abortSignal: this.signal });
        const result = (await container.wait({ abortSignal: this.signal })) as { StatusCode: number };
        await ended;
        if (result.StatusCode !== 0) {
          const shown = ins.json ? JSON.stringify(ins.json) : ins.args.replace(/\s+/g, ' ');
          throw new BerthError(
            ErrorCode.RuntimeFailure,
            `image build failed: line ${ins.line}: RUN ${shown.slice(0, 200)} returned a non-zero code: ${result.StatusCode}`,
          );
        }
      },
    );
  }

  /** Writes context files into the stage's filesystem (owner and mode from the flags). */
  async copyEntries(
    stage: Stage,
    entries: { path: string; content: string }[],
    how: { owner: { uid: number; gid: number }; mode?: number },
  ): Promise<string> {
    const pack = tar.pack();
    for (const entry of entries)
      pack.entry(
        { name: entry.path.replace(/^\/+/, ''), mode: how.mode ?? 0o644, uid: how.owner.uid, gid: how.owner.gid },
        entry.content,
      );
    pack.finalize();
    return this.withContainer(stage, {}, async (container) => {
      await container.putArchive(pack as unknown as NodeJS.ReadableStream, { path: '/', abortSignal: this.signal });
    });
  }

  /** COPY --from: each source path read out of a (never started) container of the source image. */
  async copyFromImage(
    stage: Stage,
    ins: DockerfileInstruction,
    sourceImage: string,
    sources: string[],
    how: { target: string; intoDir: boolean; owner: { uid: number; gid: number }; mode?: number },
  ): Promise<string> {
    const source = await this.docker.createContainer({
      Image: sourceImage,
      Cmd: ['/'],
      Entrypoint: [],
      Labels: this.options.labels,
      HostConfig: { NetworkMode: 'none' },
      abortSignal: this.signal,
    });
    try {
      return await this.withContainer(stage, {}, async (container) => {
        for (const path of sources) {
          const absolute = posix.resolve('/', path);
          const archive = (await source.getArchive({ path: absolute, abortSignal: this.signal }).catch(() => {
            throw fail(ins, `${path}: no such file in the source image`);
          })) as Readable;
          const base = posix.basename(absolute);
          // The archive's first entry is the source itself: a folder's contents go into the target.
          const rename = (name: string, sourceIsDir: boolean): string => {
            const rest = name.split('/').slice(1).join('/');
            if (sourceIsDir) return posix.join(how.target, rest);
            return how.intoDir ? posix.join(how.target, base) : how.target;
          };
          const renamed = retar(archive, rename, how.owner, how.mode);
          await container.putArchive(renamed, { path: '/', abortSignal: this.signal });
        }
      });
    } finally {
      await source.remove({ force: true }).catch(() => undefined);
    }
  }

  /** Commits the stage's configuration (and, for the final image, its tag and Berth's labels). */
  async commitConfig(stage: Stage, final?: { tag: string; labels: Record<string, string> }): Promise<string> {
    if (final) stage.config.Labels = { ...stage.config.Labels, ...final.labels };
    return this.withContainer(stage, {}, () => Promise.resolve(), final?.tag);
  }

  /**
   * Creates a container of the stage's image, lets `work` change it, commits it with the stage's
   * configuration (so a RUN's command does not become the image's CMD) and removes it.
   */
  private async withContainer(
    stage: Stage,
    create: { Cmd?: string[]; Env?: string[]; HostConfig?: Record<string, unknown> },
    work: (container: Docker.Container) => Promise<void>,
    tag?: string,
  ): Promise<string> {
    const c = stage.config;
    const container = await this.docker.createContainer({
      Image: stage.image,
      Cmd: create.Cmd ?? ['/'],
      Entrypoint: [],
      Env: create.Env ?? c.Env,
      WorkingDir: c.WorkingDir || undefined,
      User: c.User || undefined,
      Labels: this.options.labels,
      HostConfig: create.HostConfig ?? { NetworkMode: 'none' },
      abortSignal: this.signal,
    });
    try {
      await work(container);
      const [repo, version] = tag ? splitTag(tag) : [undefined, undefined];
      const committed = await new Promise<{ Id: string }>((resolve, reject) =>
        this.docker.modem.dial(
          {
            path: '/commit?',
            method: 'POST',
            abortSignal: this.signal,
            statusCodes: { 200: true, 201: true, 404: 'no such container', 500: 'server error' },
            options: {
              _query: { container: container.id, ...(repo ? { repo, tag: version } : {}) },
              _body: {
                Env: c.Env,
                WorkingDir: c.WorkingDir,
                User: c.User,
                Cmd: c.Cmd,
                Entrypoint: c.Entrypoint ?? [],
                Labels: c.Labels,
                ExposedPorts: c.ExposedPorts,
                StopSignal: c.StopSignal,
              },
            },
          },
          (error, data) => (error ? reject(error) : resolve(data as { Id: string })),
        ),
      );
      return committed.Id;
    } finally {
      await container.remove({ force: true }).catch(() => undefined);
    }
  }

  private relay(stream: NodeJS.ReadableStream): Promise<void> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const outLines = new BoundedLineReader((lines) => this.log('stdout', lines), this.options.streamLimits);
    const errLines = new BoundedLineReader((lines) => this.log('stderr', lines), this.options.streamLimits);
    stdout.on('data', (chunk: Buffer) => outLines.push(chunk));
    stderr.on('data', (chunk: Buffer) => errLines.push(chunk));
    this.docker.modem.demuxStream(stream, stdout, stderr);
    return new Promise<void>((resolve) => {
      const done = (): void => {
        outLines.end();
        errLines.end();
        resolve();
      };
      stream.on('end', done);
      stream.on('close', done);
      stream.on('error', done);
    });
  }
}

function splitTag(ref: string): [string, string] {
  const at = ref.lastIndexOf(':');
  return at > ref.lastIndexOf('/') ? [ref.slice(0, at), ref.slice(at + 1)] : [ref, 'latest'];
}

/** Re-packs an engine archive with new names and owner (COPY --from's destination and --chown). */
function retar(
  archive: Readable,
  rename: (name: string, sourceIsDir: boolean) => string,
  owner: { uid: number; gid: number },
  mode: number | undefined,
): NodeJS.ReadableStream {
  const extract = tar.extract();
  const pack = tar.pack();
  let sourceIsDir: boolean | undefined;
  extract.on('entry', (header, stream, next) => {
    sourceIsDir ??= header.type === 'directory';
    const name = rename(header.name, sourceIsDir).replace(/^\/+/, '');
    if (name === '') {
      // The target folder itself: it exists or is created by the entries below it.
      stream.resume();
      stream.on('end', () => next());
      return;
    }
    const entry = pack.entry({ ...header, name, uid: owner.uid, gid: owner.gid, mode: mode ?? header.mode }, (error) =>
      next(error ?? undefined),
    );
    stream.pipe(entry);
  });
  extract.on('finish', () => pack.finalize());
  extract.on('error', (error) => pack.destroy(error));
  archive.pipe(extract);
  return pack as unknown as NodeJS.ReadableStream;
}
