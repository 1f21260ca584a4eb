import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import aws4 from 'aws4';
import { type BerthConfig } from '#config';
import { BerthError, ErrorCode } from '#domain';
import { type SnapshotStore } from './snapshot-store.js';

interface S3Settings {
  endpoint: URL;
  bucket: string;
  prefix: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * Snapshots in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, s3rver in the tests), path-style
 * requests signed with Signature V4. An object upload needs its length up front, so the archive is
 * first spooled to a temporary file (bounded memory whatever the home's size), then sent.
 */
export class S3SnapshotStore implements SnapshotStore {
  constructor(private readonly s3: S3Settings) {}

  static fromConfig(url: string, config: BerthConfig): S3SnapshotStore {
    const parsed = new URL(url);
    if (!config.BERTH_S3_ENDPOINT || !config.BERTH_S3_ACCESS_KEY_ID || !config.BERTH_S3_SECRET_ACCESS_KEY)
      throw new BerthError(
        ErrorCode.Validation,
        'BERTH_SNAPSHOT_STORE=s3://… needs BERTH_S3_ENDPOINT, BERTH_S3_ACCESS_KEY_ID and BERTH_S3_SECRET_ACCESS_KEY',
      );
    return new S3SnapshotStore({
      endpoint: new URL(config.BERTH_S3_ENDPOINT),
      bucket: parsed.hostname,
      prefix: parsed.pathname.replace(/^\/+|\/+$/g, ''),
      region: config.BERTH_S3_REGION,
      accessKeyId: config.BERTH_S3_ACCESS_KEY_ID,
      secretAccessKey: config.BERTH_S3_SECRET_ACCESS_KEY,
    });
  }

  async put(key: string, body: Readable, signal?: AbortSignal): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'berth-snapshot-'));
    const file = join(dir, 'archive');
    try {
      await pipeline(body, createWriteStream(file, { mode: 0o600 }), { signal });
      const { size } = await stat(file);
      const res = await this.request('PUT', key, {
        body: Readable.toWeb(createReadStream(file)) as ReadableStream,
        length: size,
        signal,
      });
      await res.arrayBuffer();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async get(key: string, signal?: AbortSignal): Promise<Readable> {
    const res = await this.request('GET', key, { signal });
    if (!res.body) throw new BerthError(ErrorCode.Unavailable, 'the snapshot store sent no body');
    return Readable.fromWeb(res.body);
  }

  async delete(key: string): Promise<void> {
    const res = await this.request('DELETE', key, { allow404: true });
    await res.arrayBuffer();
  }

  describe(): string {
    return `S3 bucket ${this.s3.bucket}${this.s3.prefix ? `/${this.s3.prefix}` : ''} at ${this.s3.endpoint.origin}`;
  }

  private async request(
    method: 'PUT' | 'GET' | 'DELETE',
    key: string,
    options: { body?: ReadableStream; length?: number; signal?: AbortSignal; allow404?: boolean },
  ): Promise<Response> {
    const objectKey = [this.s3.prefix, key].filter(Boolean).join('/');
    const basePath = this.s3.endpoint.pathname.replace(/\/+$/, '');
    const path = `${basePath}/${this.s3.bucket}/${objectKey.split('/').map(encodeURIComponent).join('/')}`;
    const headers: Record<string, string> = { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
    if (options.length !== undefined) headers['content-length'] = String(options.length);
    const signed = aws4.sign(
      { host: this.s3.endpoint.host, path, method, service: 's3', region: this.s3.region, headers },
      { accessKeyId: this.s3.accessKeyId, secretAccessKey: this.s3.secretAccessKey },
    );
    let res: Response;
    try {
      res = await fetch(`${this.s3.endpoint.origin}${path}`, {
        method,
        headers: signed.headers as Record<string, string>,
        ...(options.body ? { body: options.body, duplex: 'half' } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      throw new BerthError(
        ErrorCode.Unavailable,
        `the snapshot store (${this.describe()}) did not answer: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (res.ok || (options.allow404 && res.status === 404)) return res;
    const text = (await res.text()).replace(/\s+/g, ' ').slice(0, 300);
    if (res.status === 404) throw new BerthError(ErrorCode.NotFound, 'the snapshot archive is missing');
    throw new BerthError(ErrorCode.Unavailable, `the snapshot store answered ${res.status} to ${method}: ${text}`);
  }
}
