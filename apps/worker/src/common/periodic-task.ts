import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { controlLoopPass } from '#metrics';

/**
 * A control loop of the worker (reconciler, reaper, idle stop): runs `pass()` every interval
 * from start-up to shutdown, never two passes at once, and a failing pass (an engine or database
 * that is away) is logged and simply tried again next time. It stops first on shutdown, before
 * connections close, and waits for a pass in progress.
 */
export abstract class PeriodicTask implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected abstract readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | null = null;

  protected abstract intervalMs(): number;
  protected abstract pass(): Promise<void>;

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.intervalMs());
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.current;
  }

  tick(): Promise<void> {
    if (this.current) return this.current;
    const stopTimer = controlLoopPass.startTimer({ loop: this.constructor.name });
    this.current = this.pass()
      .catch((error: unknown) =>
        this.logger.warn(
          `${this.constructor.name} pass skipped: ${error instanceof Error ? error.message : String(error)}`,
        ),
      )
      .finally(() => {
        stopTimer();
        this.current = null;
      });
    return this.current;
  }
}
