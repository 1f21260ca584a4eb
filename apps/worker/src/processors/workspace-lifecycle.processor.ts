import { Inject, Logger, type OnModuleInit } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { type Job } from 'bullmq';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { WORKSPACE_QUEUE, type WorkspaceJobData } from '#domain';
import { WorkspaceLifecycleService } from '../lifecycle/workspace-lifecycle.service.js';

/** Moves work only: the lifecycle service holds the logic and the build row holds the state. */
@Processor(WORKSPACE_QUEUE)
export class WorkspaceLifecycleProcessor extends WorkerHost implements OnModuleInit {
  private readonly logger = new Logger(WorkspaceLifecycleProcessor.name);

  constructor(
    private readonly lifecycle: WorkspaceLifecycleService,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {
    super();
  }

  onModuleInit(): void {
    this.worker.concurrency = this.config.BERTH_WORKER_CONCURRENCY;
  }

  async process(job: Job<WorkspaceJobData>): Promise<void> {
    this.logger.log(`job ${job.id}: build ${job.data.buildId} (attempt ${job.attemptsMade + 1})`);
    await this.lifecycle.run(job.data.buildId);
  }
}
