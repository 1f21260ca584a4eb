import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Job } from 'bullmq';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { SNAPSHOT_QUEUE, type SnapshotJobData } from '#domain';
import { SnapshotService } from '../snapshots/snapshot.service.js';
import { QueueWorker } from './queue-worker.js';

/** Moves work only: the snapshot row holds the state, SnapshotService does the copying. */
@Injectable()
export class SnapshotProcessor extends QueueWorker<SnapshotJobData> {
  protected readonly logger = new Logger(SnapshotProcessor.name);

  constructor(
    private readonly snapshots: SnapshotService,
    @Inject(BERTH_CONFIG) config: BerthConfig,
  ) {
    super(SNAPSHOT_QUEUE, config);
  }

  protected concurrency(): number {
    // Each snapshot reads a whole home and compresses it: two at a time per worker at most.
    return Math.min(2, this.config.BERTH_WORKER_CONCURRENCY);
  }

  protected async handle(job: Job<SnapshotJobData>, signal: AbortSignal): Promise<void> {
    await this.snapshots.take(job.data.snapshotId, signal);
  }
}
