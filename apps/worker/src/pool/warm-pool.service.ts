import { Inject, Injectable, Logger } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { PoolRepository, type PoolSlotRecord, type PoolTarget } from '#persistence';
import { PeriodicTask } from '../common/periodic-task.js';
import { PoolSlotMaker, slotParameters } from './pool-slot-maker.js';

/** A slot still `warming` this long after it was written was left by a worker that died: drained. */
const STALE_WARMING_MS = 5 * 60_000;
/** Slots made per pass at most, so a promotion's drain waits at most a few slot starts. */
const MAKE_PER_PASS = 4;

/**
 * Keeps the warm pool (README "Warm pool") level-triggered, like the reconciler: every pass compares
 * the pool sizes admins set on promoted versions with the slots that exist, drains what is not
 * wanted (another version was promoted, the size went down, parameters changed, a slot stuck
 * warming) and refills up to BERTH_POOL_MAX slots in all. Slots count against that cap only,
 * never against a user's quota.
 */
@Injectable()
export class WarmPoolService extends PeriodicTask {
  protected readonly logger = new Logger(WarmPoolService.name);

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly pool: PoolRepository,
    private readonly maker: PoolSlotMaker,
  ) {
    super();
  }

  protected intervalMs(): number {
    return this.config.BERTH_POOL_INTERVAL_MS;
  }

  protected pass(): Promise<void> {
    return this.keep();
  }

  async keep(): Promise<void> {
    const [targets, slots] = await Promise.all([this.pool.targets(), this.pool.unclaimed()]);
    const { keep, drain } = sortSlots(targets, slots, Date.now());
    if (drain.length > 0) {
      const drained = await this.maker.drain(drain);
      if (drained > 0) this.logger.log(`drained ${drained} warm pool slot(s) no longer wanted`);
    }
    let room = this.config.BERTH_POOL_MAX - [...keep.values()].reduce((n, held) => n + held, 0);
    let made = 0;
    for (const target of targets) {
      const missing = target.version.poolSize - (keep.get(target.version.id) ?? 0);
      for (let i = 0; i < missing && room > 0 && made < MAKE_PER_PASS; i++, room--, made++) {
        try {
          await this.maker.make(target.version);
        } catch (error) {
          this.logger.warn(
            `warm pool slot of ${target.templateName} v${target.version.version} failed: ${error instanceof Error ? error.message : String(error)}`,
          );
          return; // tried again next pass
        }
      }
    }
  }
}

/** Which slots stay (counted per version id) and which go. Pure, so the rules are unit-tested. */
export function sortSlots(
  targets: PoolTarget[],
  slots: PoolSlotRecord[],
  now: number,
): { keep: Map<string, number>; drain: string[] } {
  const wanted = new Map(
    targets.map((t) => [`${t.version.templateId}/${t.version.version}`, { t, key: slotParameters(t.version).key }]),
  );
  const keep = new Map<string, number>();
  const drain: string[] = [];
  for (const slot of slots) {
    const target = wanted.get(`${slot.templateId}/${slot.templateVersion}`);
    const stale = slot.state === 'warming' && now - slot.createdAt.getTime() > STALE_WARMING_MS;
    const held = target ? (keep.get(target.t.version.id) ?? 0) : 0;
    if (
      !target ||
      slot.state === 'draining' ||
      stale ||
      slot.parametersKey !== target.key ||
      held >= target.t.version.poolSize
    ) {
      drain.push(slot.id);
    } else {
      keep.set(target.t.version.id, held + 1);
    }
  }
  return { keep, drain };
}
