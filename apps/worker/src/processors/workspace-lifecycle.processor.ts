import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Job } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { WORKSPACE_QUEUE, type WorkspaceJobData } from '#domain';
import { WorkspaceLifecycleService } from '../lifecycle/workspace-lifecycle.service.js';
import { QueueWorker } from './queue-worker.js';

/** Moves work only: the lifecycle service holds the logic and the build row holds the state. */
@Injectable()
export class WorkspaceLifecycleProcessor extends QueueWorker<WorkspaceJobData> {
  protected readonly logger = new Logger(WorkspaceLifecycleProcessor.name);

  constructor(
    private readonly lifecycle: WorkspaceLifecycleService,
    @Inject(BERTH_CONFIG) config: BerthConfig,
    private readonly pino: PinoLogger,
  ) {
    super(WORKSPACE_QUEUE, config);
  }

  protected concurrency(): number {
    return this.config.BERTH_WORKER_CONCURRENCY;
  }

  protected async handle(job: Job<WorkspaceJobData>, signal: AbortSignal): Promise<void> {
    // Every log line of this build, from any class, carries the workspace and build ids.
    const bindings = { workspaceId: job.data.workspaceId, buildId: job.data.buildId };
    await this.pino.runInContext(
      async () => {
        this.logger.log(`job ${job.id}: build ${job.data.buildId} (attempt ${job.attemptsMade + 1})`);
        await this.lifecycle.run(job.data.buildId, signal);
      },
      { bindings },
    );
  }
}
