import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

/**
 * A control loop of the worker (reconciler, reaper, idle stop): runs `pass()` every interval
 * from start-up to shutdown, never two passes at once, and a failing pass (an engine or database
 * that is away) is logged and simply tried again next time.
 */
export abstract class PeriodicTask implements OnApplicationBootstrap, OnApplicationShutdown {
  protected abstract readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  protected abstract intervalMs(): number;
  protected abstract pass(): Promise<void>;

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.intervalMs());
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.pass();
    } catch (error) {
      this.logger.warn(`${this.constructor.name} pass skipped: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.busy = false;
    }
  }
}
