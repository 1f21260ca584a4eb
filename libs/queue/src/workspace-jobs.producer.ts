import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { type Queue } from 'bullmq';
import { BerthError, ErrorCode, WORKSPACE_QUEUE, type WorkspaceJobData, workspaceJobId } from '#domain';

@Injectable()
export class WorkspaceJobsProducer {
  constructor(@InjectQueue(WORKSPACE_QUEUE) private readonly queue: Queue<WorkspaceJobData>) {}

  /** Idempotent: the job id is derived from the build id, so a retry cannot enqueue it twice. */
  async enqueue(data: WorkspaceJobData): Promise<void> {
    try {
      await this.queue.add('transition', data, {
        jobId: workspaceJobId(data.buildId),
        attempts: 3,
        backoff: { type: 'exponential', delay: 1000 },
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

  /** Used by /readyz. */
  async ping(): Promise<void> {
    await this.queue.count();
  }
}
