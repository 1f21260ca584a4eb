import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createGzip } from 'node:zlib';
import Docker from 'dockerode';
import { configSchema } from '#config';
import { DockerDriver, LocalSnapshotStore, volumeName } from '#runtime';
import { ArchiveDigest } from '../apps/worker/src/snapshots/archive-digest.js';

/**
 * Snapshot and restore throughput for a 500 MB home (`npm run bench`), with the worker's own
 * parts: the engine's archive of the volume through a never-started toolset helper, gzip level 1
 * and sha256, the local snapshot store; then the checksum pass and the restore into the volume.
 * Writes bench/results/home-data.json. Touches only volumes labelled for this bench.
 */
const HOME_MB = Number(process.env.BENCH_HOME_DATA_MB ?? 500);
const INSTANCE = 'bench-home-data';
const docker = new Docker();
const config = configSchema.parse({ BERTH_INSTANCE: INSTANCE, BERTH_DATA_DIR: '.berth/bench-home-data' });
const driver = new DockerDriver(config);
const store = new LocalSnapshotStore('.berth/bench-home-data/snapshots');

/** Most of a home: random data (does not compress) in 1 MiB files, plus a tenth of zeros and source-like text. */
async function fill(id: string): Promise<void> {
  const random = Math.round(HOME_MB * 0.8);
  const script = [
    'mkdir -p /v/src /v/data',
    `i=0; while [ $i -lt ${random} ]; do dd if=/dev/urandom of=/v/data/r$i bs=1048576 count=1 2>/dev/null; i=$((i+1)); done`,
    `dd if=/dev/zero of=/v/data/zeros bs=1048576 count=${Math.round(HOME_MB * 0.1)} 2>/dev/null`,
    `i=0; while [ $i -lt ${Math.round(HOME_MB * 0.1) * 16} ]; do yes "const x = $i; // source line" | head -c 65536 > /v/src/f$i.ts; i=$((i+1)); done`,
    'chown -R 1000:1000 /v',
  ].join(' && ');
  const container = await docker.createContainer({
    Image: 'berth/busybox:test',
    Cmd: ['sh', '-c', script],
    User: '0',
    Labels: { 'berth.managed': 'true', 'berth.instance': INSTANCE },
    HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'volume', Source: volumeName(id), Target: '/v' }] },
  });
  await container.start();
  await container.wait();
  await container.remove({ force: true });
}

const sink = (): Writable => new Writable({ write: (_c, _e, done) => done() });

async function main(): Promise<void> {
  const id = randomUUID();
  await driver.ensureVolume(id, 'bench');
  try {
    await fill(id);
    const bytes = (await driver.measureHomes([id])).get(id) ?? 0;
    const key = `bench/${id}.tar.gz`;

    const t0 = performance.now();
    const digest = new ArchiveDigest();
    const archive = await driver.openHomeArchive(id);
    await store.put(key, archive.stream.pipe(createGzip({ level: constants.Z_BEST_SPEED })).pipe(digest));
    await archive.close();
    const snapshotMs = performance.now() - t0;

    const t1 = performance.now();
    const check = new ArchiveDigest();
    await pipeline(await store.get(key), check, sink());
    if (check.hex() !== digest.hex()) throw new Error('checksum mismatch');
    await driver.replaceHome(id, await store.get(key));
    const restoreMs = performance.now() - t1;

    const mb = bytes / 1e6;
    const result = {
      measuredAt: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version },
      homeBytes: bytes,
      archiveBytes: digest.bytes,
      content: '80% random 1 MiB files, 10% zeros, 10% source-like text (64 KiB files)',
      snapshot: { ms: Math.round(snapshotMs), mbPerSecond: Math.round((mb / (snapshotMs / 1000)) * 10) / 10 },
      restore: { ms: Math.round(restoreMs), mbPerSecond: Math.round((mb / (restoreMs / 1000)) * 10) / 10 },
      note: 'snapshot: a running workspace stays paused about this long; restore includes the checksum pass',
    };
    fs.mkdirSync('bench/results', { recursive: true });
    fs.writeFileSync('bench/results/home-data.json', `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result));
    await store.delete(key);
  } finally {
    await docker
      .getVolume(volumeName(id))
      .remove()
      .catch(() => undefined);
  }
}

await main();
