import { Inject, Injectable, Logger } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { TrashRepository } from '#persistence';
import { PeriodicTask } from '../common/periodic-task.js';
import { TrashPurger } from './trash-purger.js';

/**
 * The trash's retention job: each pass purges the trashed volumes that expired
 * (BERTH_TRASH_DAYS after their delete) or whose purge was asked for, each one audited. Nothing
 * else in the worker removes a home volume; the reconciler never does.
 */
@Injectable()
export class TrashRetentionService extends PeriodicTask {
  protected readonly logger = new Logger(TrashRetentionService.name);

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly trash: TrashRepository,
    private readonly purger: TrashPurger,
  ) {
    super();
  }

  protected intervalMs(): number {
    return this.config.BERTH_REAPER_INTERVAL_MS;
  }

  protected async pass(now = new Date()): Promise<void> {
    for (const ws of await this.trash.due(now)) {
      const requested = ws.purgeRequestedAt !== null;
      try {
        await this.purger.purge(ws, requested ? 'requested' : 'trash expired', null);
      } catch (error) {
        // One volume held by something else must not stop the others; it is tried again next pass.
        this.logger.warn(
          `purge of workspace ${ws.id} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }
}
