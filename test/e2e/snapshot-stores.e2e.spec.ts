import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import S3rver from 's3rver';
import { configSchema } from '#config';
import { BerthError } from '#domain';
import { LocalSnapshotStore, snapshotStoreFor, type SnapshotStore } from '#runtime';

const MIB = 1024 * 1024;

/** A stream of `mib` MiB of random bytes, produced piece by piece (never whole in memory), and its sha256. */
function randomStream(mib: number): { stream: Readable; sha256: () => string } {
  const hash = createHash('sha256');
  let left = mib;
  const stream = new Readable({
    read() {
      if (left-- <= 0) return void this.push(null);
      const chunk = randomBytes(MIB);
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, sha256: () => hash.digest('hex') };
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * One contract for every snapshot store: the local folder and an S3-compatible bucket, the latter
 * against a real S3 server (s3rver, from npm) on 127.0.0.1. s3rver checks the access key id but not
 * the V4 signature itself, so signing is exercised, not verified, here.
 */
describe.each([
  ['local folder', 'local'],
  ['S3-compatible bucket (s3rver on loopback)', 's3'],
] as const)('snapshot store: %s', (_label, kind) => {
  let store: SnapshotStore;
  let dir: string;
  let server: S3rver | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-store-'));
    if (kind === 'local') {
      store = new LocalSnapshotStore(join(dir, 'snapshots'));
      return;
    }
    server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: join(dir, 's3'),
      configureBuckets: [{ name: 'berth-snapshots' }],
    });
    const { port } = await server.run();
    store = snapshotStoreFor(
      configSchema.parse({
        BERTH_SNAPSHOT_STORE: 's3://berth-snapshots/test-prefix',
        BERTH_S3_ENDPOINT: `http://127.0.0.1:${port}`,
        BERTH_S3_ACCESS_KEY_ID: 'S3RVER',
        BERTH_S3_SECRET_ACCESS_KEY: 'S3RVER',
      }),
    );
    expect(store.describe()).toBe(`S3 bucket berth-snapshots/test-prefix at http://127.0.0.1:${port}`);
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores a 24 MiB archive and gives back the same bytes; delete removes it; missing is not found', async () => {
    const key = 'owner/workspace/snapshot.tar.gz';
    const source = randomStream(24);
    await store.put(key, source.stream);
    expect(await sha256Of(await store.get(key))).toBe(source.sha256());

    await store.delete(key);
    await expect(store.get(key)).rejects.toBeInstanceOf(BerthError);
    await expect(store.get(key)).rejects.toMatchObject({ code: 'not_found' });
    await store.delete(key); // already gone: not an error
  });

  it('a wrong key pair is refused by the server (S3) / keys cannot leave the folder (local)', async () => {
    if (kind === 'local') {
      await expect(store.put('../escape', Readable.from(['x']))).rejects.toMatchObject({ code: 'validation' });
      return;
    }
    const endpoint = store.describe().split(' at ')[1]!;
    const wrong = snapshotStoreFor(
      configSchema.parse({
        BERTH_SNAPSHOT_STORE: 's3://berth-snapshots',
        BERTH_S3_ENDPOINT: endpoint,
        // s3rver checks the key id but does not verify V4 signatures ("unimplemented" in its source).
        BERTH_S3_ACCESS_KEY_ID: 'NOT-A-KEY',
        BERTH_S3_SECRET_ACCESS_KEY: 'S3RVER',
      }),
    );
    await expect(wrong.put('k', Readable.from([Buffer.from('x')]))).rejects.toThrow(
      /answered 403 to PUT: .*InvalidAccessKeyId/,
    );
  });
});
