import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import Docker from 'dockerode';
import { volumeName } from '#domain';
import { measureVolumes } from '#runtime';

/**
 * The cost of measuring home volumes (`npm run bench`): 200 volumes, each with a few small files
 * and one of 1 MiB, measured the way the worker does (Berth's own `du`, one container per 100
 * volumes). Writes bench/results/home-usage.json. Touches only volumes labelled for this bench.
 */
const VOLUMES = Number(process.env.BENCH_HOME_VOLUMES ?? 200);
const ROUNDS = Number(process.env.BENCH_HOME_ROUNDS ?? 5);
const labels = { 'berth.managed': 'true', 'berth.instance': 'bench-home-usage' };
const docker = new Docker();

async function fill(ids: string[]): Promise<void> {
  // One container per 100 volumes writes the content (busybox, no network).
  for (let i = 0; i < ids.length; i += 100) {
    const batch = ids.slice(i, i + 100);
    const script = batch
      .map(
        (id) =>
          `mkdir -p /v/${id}/src && for f in 1 2 3 4 5 6 7 8; do echo "file $f" > /v/${id}/src/$f.txt; done && ` +
          `dd if=/dev/zero of=/v/${id}/blob bs=1024 count=1024 2>/dev/null`,
      )
      .join(' && ');
    const container = await docker.createContainer({
      Image: 'berth/busybox:test',
      Cmd: ['sh', '-c', script],
      User: '0',
      Labels: labels,
      HostConfig: {
        NetworkMode: 'none',
        Mounts: batch.map((id) => ({ Type: 'volume' as const, Source: volumeName(id), Target: `/v/${id}` })),
      },
    });
    await container.start();
    await container.wait();
    await container.remove({ force: true });
  }
}

async function main(): Promise<void> {
  const ids = Array.from({ length: VOLUMES }, () => randomUUID());
  for (const id of ids) await docker.createVolume({ Name: volumeName(id), Labels: labels });
  try {
    await fill(ids);
    const all: number[] = [];
    let measured = 0;
    let totalBytes = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const started = performance.now();
      const usage = await measureVolumes(docker, ids, labels);
      all.push(Math.round(performance.now() - started));
      measured = usage.size;
      totalBytes = [...usage.values()].reduce((a, b) => a + b, 0);
    }
    const sorted = [...all].sort((a, b) => a - b);
    const result = {
      measuredAt: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version },
      volumes: VOLUMES,
      perVolumeContent: '8 small files + 1 MiB',
      volumesMeasured: measured,
      totalBytes,
      passMs: { median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1], all },
      perVolumeMs: Math.round(((sorted[Math.floor(sorted.length / 2)] ?? 0) / VOLUMES) * 100) / 100,
      note: 'one pass of the worker (BERTH_HOME_USAGE_INTERVAL_MS, default 300000) over all volumes',
    };
    fs.mkdirSync('bench/results', { recursive: true });
    fs.writeFileSync('bench/results/home-usage.json', `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result));
  } finally {
    for (const id of ids)
      await docker
        .getVolume(volumeName(id))
        .remove()
        .catch(() => undefined);
  }
}

await main();
