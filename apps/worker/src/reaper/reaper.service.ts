import { Inject, Injectable, Logger } from '@nestjs/common';
import { PeriodicTask } from '../common/periodic-task.js';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { ErrorCode } from '#domain';
import { BuildsRepository } from '#persistence';
import { WorkspaceEventsPublisher, WorkspaceJobsProducer } from '#queue';

/**
 * Keeps builds from hanging forever: a running build whose worker stopped sending heartbeats is
 * failed with the reason (its workspace becomes `failed`, recoverable), and a build still queued
 * long after it was accepted is enqueued again — Redis here keeps nothing on disk, so a restart
 * loses jobs; the deterministic job id makes the re-enqueue harmless if the job still exists.
 */
@Injectable()
export class ReaperService extends PeriodicTask {
  protected readonly logger = new Logger(ReaperService.name);

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly builds: BuildsRepository,
    private readonly jobs: WorkspaceJobsProducer,
    private readonly events: WorkspaceEventsPublisher,
  ) {
    super();
  }

  protected intervalMs(): number {
    return this.config.BERTH_REAPER_INTERVAL_MS;
  }

  protected pass(): Promise<void> {
    return this.reap();
  }

  async reap(now = Date.now()): Promise<void> {
    for (const build of await this.builds.findHung(new Date(now - this.config.BERTH_BUILD_HEARTBEAT_TIMEOUT_MS))) {
      const since = build.heartbeatAt?.toISOString() ?? 'its start';
      const error = `the worker stopped responding during this ${build.kind} (no heartbeat since ${since})`;
      this.logger.warn(`build ${build.id}: ${error}`);
      const lastError = `${error}; use recover to repair it from the container's actual state`;
      await this.builds.finish(
        build.id,
        { status: 'failed', error, errorCode: ErrorCode.WorkerLost, stages: build.stages },
        { id: build.workspaceId, status: 'failed', lastError },
      );
      this.events.publish({ workspaceId: build.workspaceId, type: 'status', status: 'failed', lastError });
    }
    for (const build of await this.builds.findQueuedBefore(new Date(now - this.config.BERTH_QUEUED_BUILD_GRACE_MS))) {
      await this.jobs.enqueue({ buildId: build.id, workspaceId: build.workspaceId }).catch(() => undefined);
    }
  }
}
