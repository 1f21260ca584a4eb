import { sleep } from '#common';
import { type BenchClient } from './berth-client.js';
import { type BenchContext } from './context.js';
import { benchName, purge } from './lifecycle.js';
import { elapsedMs, figure, type Figure } from './stats.js';

interface PoolView {
  pool?: { versions: { templateId: string; version: number; ready: number }[] };
}

/** How many slots of the template's promoted version are ready, from the admin system view. */
async function readySlots(admin: BenchClient, templateId: string): Promise<number> {
  const system = await admin.ok<PoolView>('GET', '/admin/system');
  return (system.pool?.versions ?? []).filter((v) => v.templateId === templateId).reduce((n, v) => n + v.ready, 0);
}

/** Waits (not measured) until the worker has refilled the pool to at least `count` ready slots. */
export async function waitForReadySlots(
  admin: BenchClient,
  templateId: string,
  count: number,
  timeoutMs = 120_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await readySlots(admin, templateId)) < count) {
    if (Date.now() > until) throw new Error(`the warm pool of ${templateId} did not reach ${count} ready slots`);
    await sleep(100);
  }
}

/**
 * Warm start, interleaved A/B like the cold start: each round, once the pool has a ready slot
 * again (the refill is not measured), one `POST /workspaces` on a template whose promoted
 * version keeps a warm pool, timed from the request until the workspace is `running` (the
 * answer already says so when a slot was claimed), and one raw create+start of the same image.
 * Rounds that missed the pool (a cold start instead) are counted in the note, not in the figure.
 */
export async function warmStart(ctx: BenchContext): Promise<Figure[]> {
  const template = await ctx.admin.ok<{ id: string; activeVersion: number }>('POST', '/templates', {
    name: benchName('bench-warm'),
    spec: { image: ctx.image, resources: { memoryMb: 128, cpus: 0.5 } },
  });
  const poolPath = `/templates/${template.id}/versions/${template.activeVersion}/pool`;
  await ctx.admin.ok('PUT', poolPath, { size: 1 });
  const warm: number[] = [];
  const raw: number[] = [];
  let missed = 0;
  const made: string[] = [];
  try {
    for (let round = 0; round < ctx.sizes.warmRounds; round++) {
      await waitForReadySlots(ctx.admin, template.id, 1);
      const rawSpec = ctx.raw.spec();
      const runWarm = async (): Promise<void> => {
        const started = performance.now();
        const ws = await ctx.owner.ok<{ id: string; status: string }>('POST', '/workspaces', {
          name: benchName('w'),
          templateId: template.id,
        });
        made.push(ws.id);
        if (ws.status !== 'running') {
          missed++;
          await ctx.owner.waitStatus(ws.id, 'running');
          return;
        }
        warm.push(elapsedMs(started));
      };
      const runRaw = async (): Promise<void> => {
        raw.push(await ctx.raw.createStart(rawSpec));
        await ctx.raw.removeAll(rawSpec);
      };
      if (round % 2 === 0) {
        await runWarm();
        await runRaw();
      } else {
        await runRaw();
        await runWarm();
      }
    }
  } finally {
    await ctx.admin.call('PUT', poolPath, { size: 0 });
    for (const id of made) await purge(ctx.owner, id);
  }
  return [
    figure(
      'warm start: request → running from a warm pool',
      'ms',
      warm,
      'median ≤ 50',
      (median) => median <= 50,
      missed > 0 ? `${missed} round(s) found no ready slot and started cold (not counted)` : undefined,
    ),
    figure('warm start: raw dockerode create + start (same run)', 'ms', raw, 'warm start below it'),
  ];
}
