import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { type Queue } from 'bullmq';
import { addJob } from './add-job.js';
import { TEMPLATE_QUEUE, type TemplateJobData, templateJobId } from '#domain';

@Injectable()
export class TemplateBuildsProducer {
  constructor(@InjectQueue(TEMPLATE_QUEUE) private readonly queue: Queue<TemplateJobData>) {}

  /** Idempotent per version (deterministic job id). */
  async enqueue(versionId: string): Promise<void> {
    await addJob(this.queue, 'build', { versionId }, { jobId: templateJobId(versionId), attempts: 2, delayMs: 2000 });
  }
}
