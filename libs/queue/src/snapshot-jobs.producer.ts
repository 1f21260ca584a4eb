import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { type Queue } from 'bullmq';
import { addJob } from './add-job.js';
import { SNAPSHOT_QUEUE, snapshotJobId, type SnapshotJobData } from '#domain';

@Injectable()
export class SnapshotJobsProducer {
  constructor(@InjectQueue(SNAPSHOT_QUEUE) private readonly queue: Queue<SnapshotJobData>) {}

  /** Idempotent: the job id is derived from the snapshot id. */
  async enqueue(data: SnapshotJobData): Promise<void> {
    await addJob(this.queue, 'snapshot', data, { jobId: snapshotJobId(data.snapshotId), attempts: 2, delayMs: 2000 });
  }
}
