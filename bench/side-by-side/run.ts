import os from 'node:os';
import { burst } from './burst.js';
import { type BenchContext } from './context.js';
import { benchTemplate, coldStart, restartAndRebuild } from './lifecycle.js';
import { warmStart } from './warm-start.js';
import { scale } from './scale.js';
import { figure, notMeasured, type Figure } from './stats.js';
import { rssMb } from './users.js';

export interface BenchResults {
  measuredAt: string;
  machine: { cpus: number; cpuModel: string; memoryGb: number; engine: string; node: string; platform: string };
  sizes: BenchContext['sizes'];
  figures: Figure[];
}

/** Every scenario in turn, against a running Berth (its own, or the test server for the smoke run). */
export async function runBench(ctx: BenchContext): Promise<BenchResults> {
  const version = await ctx.raw.docker.version();
  const results: BenchResults = {
    measuredAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(os.totalmem() / 1024 ** 3),
      engine: `Docker ${version.Version} (API ${version.ApiVersion})`,
      node: process.version,
      platform: `${os.type()} ${os.release()}`,
    },
    sizes: ctx.sizes,
    figures: [],
  };
  const add = (figures: Figure[]): void => {
    for (const f of figures) ctx.log(`${f.name}: median ${f.median} ${f.unit}, p95 ${f.p95}, runs ${f.runs}`);
    results.figures.push(...figures);
  };
  add([await memory(ctx, 'API RSS idle', 'api'), await memory(ctx, 'worker RSS idle', 'worker')]);
  const templateId = await benchTemplate(ctx);
  add(await coldStart(ctx, templateId));
  add(await warmStart(ctx));
  add(await restartAndRebuild(ctx, templateId));
  let afterBurst: Figure[] = [];
  add(
    await burst(ctx, templateId, async () => {
      afterBurst = [
        await memory(ctx, 'API RSS after the burst', 'api'),
        await memory(ctx, 'worker RSS after the burst', 'worker'),
      ];
    }),
  );
  add(afterBurst);
  add(await scale(ctx, templateId));
  return results;
}

async function memory(ctx: BenchContext, name: string, which: 'api' | 'worker'): Promise<Figure> {
  if (!ctx.pids) return notMeasured(name, 'MB', 'reported', 'process ids not known (smoke run)');
  return figure(name, 'MB', [await rssMb(ctx.pids[which])], 'reported');
}
