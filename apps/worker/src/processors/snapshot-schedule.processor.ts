import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { type Job, type Queue } from 'bullmq';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { SNAPSHOT_SCHEDULE_QUEUE, snapshotScheduleJobSchedulerId } from '#domain';
import { SnapshotScheduler } from '../snapshots/snapshot-scheduler.js';
import { QueueWorker } from './queue-worker.js';

/**
 * Runs the snapshot schedule's tick. The tick is a BullMQ job scheduler (upserted by every worker
 * at start-up, so BERTH_SNAPSHOT_TICK_MS changes take effect and there is still only one): with
 * several workers, each tick runs once, on whichever worker takes it, and a worker that is down
 * misses nothing, because `snapshotDue` counts from the last snapshot, not from the last tick.
 */
@Injectable()
export class SnapshotScheduleProcessor extends QueueWorker<Record<string, never>> {
  protected readonly logger = new Logger(SnapshotScheduleProcessor.name);

  constructor(
    private readonly scheduler: SnapshotScheduler,
    @InjectQueue(SNAPSHOT_SCHEDULE_QUEUE) private readonly queue: Queue,
    @Inject(BERTH_CONFIG) config: BerthConfig,
  ) {
    super(SNAPSHOT_SCHEDULE_QUEUE, config);
  }

  protected concurrency(): number {
    return 1;
  }

  override onApplicationBootstrap(): void {
    super.onApplicationBootstrap();
    this.queue
      .upsertJobScheduler(
        snapshotScheduleJobSchedulerId,
        { every: this.config.BERTH_SNAPSHOT_TICK_MS },
        { name: 'tick', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } },
      )
      .catch((error: unknown) =>
        // Redis away at start-up: the scheduler from an earlier start (kept in Redis) still ticks,
        // or the next start adds it; the worker itself carries on.
        this.logger.warn(`snapshot schedule not registered: ${error instanceof Error ? error.message : String(error)}`),
      );
  }

  protected async handle(_job: Job<Record<string, never>>): Promise<void> {
    await this.scheduler.tick();
  }
}
