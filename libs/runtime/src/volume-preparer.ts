import { posix } from 'node:path';
import { type Readable } from 'node:stream';
import tar from 'tar-stream';
import type Docker from 'dockerode';
import { BerthError, ErrorCode } from '#domain';
import { statusCodeOf } from './docker-errors.js';
import { type WorkspaceRuntimeSpec } from './runtime.driver.js';

/**
 * Gives a fresh volume to the template user without running any program of the image (a
 * minimal image may have no chown, no shell). `container` is the workspace's own container, just
 * created and not yet started, with the fresh volume at homePath and copy-up allowed: creating it
 * made the engine copy the image's homePath (skeleton files, ownership) into the volume. One
 * directory entry, owned by the template user, is then written over the volume's root through
 * the engine's archive API. No helper container: the container that will run does the job.
 */
export async function prepareVolumeOwner(
  container: Docker.Container,
  spec: WorkspaceRuntimeSpec['spec'],
  signal: AbortSignal,
): Promise<void> {
  const owner = await resolveUser(container, spec.user, signal);
  const pack = tar.pack();
  pack.entry({
    name: posix.basename(spec.homePath),
    type: 'directory',
    mode: 0o755,
    uid: owner.uid,
    gid: owner.gid,
    mtime: new Date(),
  });
  pack.finalize();
  await container.putArchive(pack as unknown as NodeJS.ReadableStream, {
    path: posix.dirname(spec.homePath),
    abortSignal: signal,
  });
}

/** `user[:group]` as numeric ids, names looked up in the image's /etc/passwd and /etc/group (read, not run). */
export async function resolveUser(
  container: Docker.Container,
  user: string,
  signal: AbortSignal,
): Promise<{ uid: number; gid: number }> {
  const [name = '', group] = user.split(':');
  const numeric = (s: string): boolean => /^\d+$/.test(s);
  let passwd: string[][] | null = null;
  const passwdEntry = async (): Promise<string[] | undefined> => {
    passwd ??= table(await readFile(container, '/etc/passwd', signal));
    return passwd.find((row) => (numeric(name) ? row[2] === name : row[0] === name));
  };
  let uid: number;
  if (numeric(name)) uid = Number(name);
  else {
    const entry = await passwdEntry();
    if (!entry) throw new BerthError(ErrorCode.RuntimeFailure, `user ${name} is not in the image's /etc/passwd`);
    uid = Number(entry[2]);
  }
  if (group === undefined) {
    // No group given: the user's primary group when the image knows the user, else the uid.
    const entry = await passwdEntry().catch(() => undefined);
    return { uid, gid: entry ? Number(entry[3]) : uid };
  }
  if (numeric(group)) return { uid, gid: Number(group) };
  const found = table(await readFile(container, '/etc/group', signal)).find((row) => row[0] === group);
  if (!found) throw new BerthError(ErrorCode.RuntimeFailure, `group ${group} is not in the image's /etc/group`);
  return { uid, gid: Number(found[2]) };
}

const table = (text: string): string[][] =>
  text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.split(':'));

/** A small text file of the container's filesystem (missing: empty), read through the archive API. */
async function readFile(container: Docker.Container, path: string, signal: AbortSignal): Promise<string> {
  let archive: Readable;
  try {
    archive = (await container.getArchive({ path, abortSignal: signal })) as Readable;
  } catch (error) {
    if (statusCodeOf(error) === 404) return '';
    throw error;
  }
  const extract = tar.extract();
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    extract.on('entry', (_header, stream, next) => {
      stream.on('data', (data: unknown) => {
        const chunk = data as Buffer;
        size += chunk.length;
        // /etc/passwd is small; anything huge is not read whole.
        if (size <= 1024 * 1024) chunks.push(chunk);
      });
      stream.on('end', () => next());
      stream.resume();
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
    archive.pipe(extract);
  });
  return Buffer.concat(chunks).toString('utf8');
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Whether a program exists in the container's filesystem, looked up the way exec does (a path,
 * or each PATH entry of the container), through the archive API: nothing runs.
 */
export async function programExists(
  container: Docker.Container,
  program: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const info = await container.inspect({ abortSignal: signal });
  const pathVar = (info.Config.Env ?? []).find((e) => e.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH;
  const workdir = info.Config.WorkingDir || '/';
  const candidates = program.includes('/')
    ? [posix.resolve(workdir, program)]
    : pathVar
        .split(':')
        .filter(Boolean)
        .map((dir) => posix.join(posix.resolve('/', dir), program));
  for (const candidate of candidates) {
    try {
      const res = (await container.infoArchive({ path: candidate, abortSignal: signal })) as Readable;
      res.resume();
      return true;
    } catch (error) {
      if (statusCodeOf(error) !== 404) throw error;
    }
  }
  return false;
}
