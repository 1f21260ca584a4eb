import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Job } from 'bullmq';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { BerthError, ErrorCode, TEMPLATE_QUEUE, type TemplateJobData } from '#domain';
import { TemplateImageService } from '../templates/template-image.service.js';
import { retryTransient } from '../common/transient.js';
import { QueueWorker } from './queue-worker.js';

/** Builds (or pulls) a new template version's image as soon as it is created. */
@Injectable()
export class TemplateBuildProcessor extends QueueWorker<TemplateJobData> {
  protected readonly logger = new Logger(TemplateBuildProcessor.name);

  constructor(
    private readonly images: TemplateImageService,
    @Inject(BERTH_CONFIG) config: BerthConfig,
  ) {
    super(TEMPLATE_QUEUE, config);
  }

  protected concurrency(): number {
    return 2;
  }

  protected async handle(job: Job<TemplateJobData>, signal: AbortSignal): Promise<void> {
    try {
      // An engine or database restart is waited out, as workspace builds do.
      const until = Date.now() + this.config.BERTH_TRANSIENT_RETRY_MS;
      await retryTransient(() => this.images.ensure(job.data.versionId, () => undefined, signal), { until, signal });
    } catch (error) {
      // A failed build is recorded on the version; retrying the job would not change it.
      if (error instanceof BerthError && error.code !== ErrorCode.Unavailable && !signal.aborted) {
        this.logger.warn(`template version ${job.data.versionId}: ${error.message}`);
        return;
      }
      throw error;
    }
  }
}
