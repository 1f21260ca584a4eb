import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { type Queue } from 'bullmq';
import { addJob } from './add-job.js';
import { WORKSPACE_QUEUE, type WorkspaceJobData, workspaceJobId } from '#domain';

@Injectable()
export class WorkspaceJobsProducer {
  constructor(@InjectQueue(WORKSPACE_QUEUE) private readonly queue: Queue<WorkspaceJobData>) {}

  /** Idempotent: the job id is derived from the build id, so a retry cannot enqueue it twice. */
  async enqueue(data: WorkspaceJobData): Promise<void> {
    await addJob(this.queue, 'transition', data, { jobId: workspaceJobId(data.buildId), attempts: 3, delayMs: 1000 });
  }

  /** Used by /readyz. */
  async ping(): Promise<void> {
    await this.queue.count();
  }
}
