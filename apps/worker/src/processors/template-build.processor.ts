import { Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { type Job } from 'bullmq';
import { BerthError, TEMPLATE_QUEUE, type TemplateJobData } from '#domain';
import { TemplateImageService } from '../templates/template-image.service.js';

/** Builds (or pulls) a new template version's image as soon as it is created. */
@Processor(TEMPLATE_QUEUE, { concurrency: 2 })
export class TemplateBuildProcessor extends WorkerHost {
  private readonly logger = new Logger(TemplateBuildProcessor.name);

  constructor(private readonly images: TemplateImageService) {
    super();
  }

  async process(job: Job<TemplateJobData>): Promise<void> {
    try {
      await this.images.ensure(job.data.versionId);
    } catch (error) {
      // A failed build is recorded on the version; retrying the job would not change it.
      if (error instanceof BerthError) {
        this.logger.warn(`template version ${job.data.versionId}: ${error.message}`);
        return;
      }
      throw error;
    }
  }
}
