import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Passes bytes through while counting them and computing their sha256 (the snapshot's checksum). */
export class ArchiveDigest extends Transform {
  private readonly hash = createHash('sha256');
  private digest: string | null = null;
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }

  /** Hex sha256; only after the stream has ended. */
  hex(): string {
    this.digest ??= this.hash.digest('hex');
    return this.digest;
  }
}
