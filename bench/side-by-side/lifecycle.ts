import { randomUUID } from 'node:crypto';
import { type BenchClient } from './berth-client.js';
import { type BenchContext } from './context.js';
import { elapsedMs, figure, type Figure } from './stats.js';

export const benchName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A template of the bench image with no scripts and no ports: what raw Docker runs too. */
export async function benchTemplate(ctx: BenchContext): Promise<string> {
  const template = await ctx.admin.ok<{ id: string }>('POST', '/templates', {
    name: benchName('bench'),
    spec: { image: ctx.image, resources: { memoryMb: 128, cpus: 0.5 } },
  });
  return template.id;
}

export async function createRunning(client: BenchClient, templateId: string): Promise<{ id: string; ms: number }> {
  const started = performance.now();
  const ws = await client.ok<{ id: string }>('POST', '/workspaces', { name: benchName('b'), templateId });
  await client.waitStatus(ws.id, 'running');
  return { id: ws.id, ms: elapsedMs(started) };
}

export async function purge(client: BenchClient, id: string): Promise<void> {
  await client.call('DELETE', `/workspaces/${id}?purge=true`);
}

const ratio = (a: number[], b: number[]): number[] => a.map((x, i) => x / (b[i] ?? x));

/**
 * Cold start, interleaved A/B: each round one Berth workspace (request → running, image cached)
 * and one raw create+start of the same image, the order alternating so neither side always
 * runs on a machine the other just warmed.
 */
export async function coldStart(ctx: BenchContext, templateId: string): Promise<Figure[]> {
  // Warm-up (not measured): the version's image is resolved and the network and tools exist.
  const warm = await createRunning(ctx.owner, templateId);
  await purge(ctx.owner, warm.id);
  const berth: number[] = [];
  const raw: number[] = [];
  for (let round = 0; round < ctx.sizes.coldRounds; round++) {
    const rawSpec = ctx.raw.spec();
    const runBerth = async (): Promise<void> => {
      const { id, ms } = await createRunning(ctx.owner, templateId);
      berth.push(ms);
      await purge(ctx.owner, id);
    };
    const runRaw = async (): Promise<void> => {
      raw.push(await ctx.raw.createStart(rawSpec));
      await ctx.raw.removeAll(rawSpec);
    };
    if (round % 2 === 0) {
      await runBerth();
      await runRaw();
    } else {
      await runRaw();
      await runBerth();
    }
  }
  const medianRatio = (median(berth) ?? 0) / (median(raw) || 1);
  return [
    figure('cold start: Berth request → running', 'ms', berth, 'ratio ≤ 1.15 to raw'),
    figure('cold start: raw dockerode create + start', 'ms', raw, 'floor'),
    {
      ...figure('cold start: ratio Berth / raw (per round)', '×', ratio(berth, raw), 'median ≤ 1.15'),
      met: berth.length > 0 ? medianRatio <= 1.15 : null,
      note: `ratio of medians ${medianRatio.toFixed(2)}`,
    },
  ];
}

/** Stop → start of one existing workspace, and rebuild, each against its raw equivalent. */
export async function restartAndRebuild(ctx: BenchContext, templateId: string): Promise<Figure[]> {
  const { id } = await createRunning(ctx.owner, templateId);
  const stop: number[] = [];
  const start: number[] = [];
  const rebuild: number[] = [];
  const rawStop: number[] = [];
  const rawStart: number[] = [];
  const rawRebuild: number[] = [];
  const rawSpec = ctx.raw.spec();
  await ctx.raw.createStart(rawSpec);
  try {
    for (let round = 0; round < ctx.sizes.restartRounds; round++) {
      let t = performance.now();
      await ctx.owner.ok('POST', `/workspaces/${id}/stop`);
      await ctx.owner.waitStatus(id, 'stopped');
      stop.push(elapsedMs(t));
      t = performance.now();
      await ctx.owner.ok('POST', `/workspaces/${id}/start`);
      await ctx.owner.waitStatus(id, 'running');
      start.push(elapsedMs(t));
      rawStop.push(await ctx.raw.stopRemove(rawSpec));
      rawStart.push(await ctx.raw.createStart(rawSpec));
    }
    for (let round = 0; round < ctx.sizes.rebuildRounds; round++) {
      const t = performance.now();
      await ctx.owner.ok('POST', `/workspaces/${id}/rebuild`);
      await ctx.owner.waitStatus(id, 'running');
      rebuild.push(elapsedMs(t));
      rawRebuild.push((await ctx.raw.stopRemove(rawSpec)) + (await ctx.raw.createStart(rawSpec)));
    }
  } finally {
    await purge(ctx.owner, id);
    await ctx.raw.removeAll(rawSpec);
  }
  return [
    figure('stop: Berth request → stopped', 'ms', stop, 'compare with raw stop + remove'),
    figure('stop: raw stop + remove', 'ms', rawStop, 'floor'),
    figure('start of a stopped workspace: Berth request → running', 'ms', start, 'compare with raw create + start'),
    figure('start of a stopped workspace: raw create + start (volume exists)', 'ms', rawStart, 'floor'),
    figure('rebuild: Berth request → running', 'ms', rebuild, 'compare with raw'),
    figure('rebuild: raw stop + remove + create + start', 'ms', rawRebuild, 'floor'),
  ];
}

function median(xs: number[]): number | null {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? (sorted[Math.floor(sorted.length / 2)] ?? null) : null;
}
