import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { type Queue } from 'bullmq';
import { BerthError, ErrorCode, SNAPSHOT_QUEUE, snapshotJobId, type SnapshotJobData } from '#domain';

@Injectable()
export class SnapshotJobsProducer {
  constructor(@InjectQueue(SNAPSHOT_QUEUE) private readonly queue: Queue<SnapshotJobData>) {}

  /** Idempotent: the job id is derived from the snapshot id. */
  async enqueue(data: SnapshotJobData): Promise<void> {
    try {
      await this.queue.add('snapshot', data, {
        jobId: snapshotJobId(data.snapshotId),
        attempts: 2,
        backoff: { type: 'exponential', delay: 2000 },
        removeOnComplete: { age: 24 * 3600, count: 1000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      });
    } catch (error) {
      throw new BerthError(
        ErrorCode.Unavailable,
        `the job queue is unavailable: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
