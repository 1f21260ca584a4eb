import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { type Queue } from 'bullmq';
import { BerthError, ErrorCode, TEMPLATE_QUEUE, type TemplateJobData, templateJobId } from '#domain';

@Injectable()
export class TemplateBuildsProducer {
  constructor(@InjectQueue(TEMPLATE_QUEUE) private readonly queue: Queue<TemplateJobData>) {}

  /** Idempotent per version (deterministic job id). */
  async enqueue(versionId: string): Promise<void> {
    try {
      await this.queue.add(
        'build',
        { versionId },
        {
          jobId: templateJobId(versionId),
          attempts: 2,
          backoff: { type: 'exponential', delay: 2000 },
          removeOnComplete: { age: 24 * 3600, count: 1000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      );
    } catch (error) {
      throw new BerthError(
        ErrorCode.Unavailable,
        `the job queue is unavailable: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
