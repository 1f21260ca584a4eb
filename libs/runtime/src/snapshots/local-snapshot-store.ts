import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BerthError, ErrorCode } from '#domain';
import { type SnapshotStore } from './snapshot-store.js';

/**
 * Snapshots as files under one folder (default `<BERTH_DATA_DIR>/snapshots`). A snapshot is
 * written to a temporary name, flushed to disk, then renamed: a crash never leaves a partial file
 * under a snapshot's key.
 */
export class LocalSnapshotStore implements SnapshotStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(key: string, body: Readable, signal?: AbortSignal): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const partial = `${path}.partial`;
    try {
      await pipeline(body, createWriteStream(partial, { mode: 0o600 }), { signal });
      const handle = await open(partial, 'r');
      await handle.sync().finally(() => handle.close());
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    const stream = createReadStream(path);
    await new Promise<void>((ok, fail) => {
      stream.once('open', () => ok());
      stream.once('error', (error: NodeJS.ErrnoException) =>
        fail(error.code === 'ENOENT' ? new BerthError(ErrorCode.NotFound, 'the snapshot archive is missing') : error),
      );
    });
    return stream;
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  describe(): string {
    return `local folder ${this.root}`;
  }

  /** Keys are Berth's own; this still refuses anything that would leave the folder. */
  private pathOf(key: string): string {
    const path = resolve(join(this.root, key));
    if (!path.startsWith(`${this.root}/`)) throw new BerthError(ErrorCode.Validation, 'bad snapshot key');
    return path;
  }
}
