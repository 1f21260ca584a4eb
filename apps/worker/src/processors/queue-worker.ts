import { type BeforeApplicationShutdown, type Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { type Job, WaitingError, Worker } from 'bullmq';
import { redisKeyPrefix, type BerthConfig } from '#config';
import { queueWait } from '#metrics';
import { redisConnection } from '#queue';
import { sleep } from '#common';
import { HandBack } from '../common/hand-back.js';

/**
 * A BullMQ worker with Berth's shutdown rule. On SIGTERM it stops taking jobs at once, lets the
 * jobs in flight finish for BERTH_SHUTDOWN_GRACE_MS, then aborts the rest (BullMQ's per-job
 * signal) and moves each back to `wait` with its lock, so another worker starts it immediately
 * instead of after the lock expires. Created here rather than with @nestjs/bullmq's @Processor
 * so the lock duration comes from the validated config and the processor receives the signal.
 */
export abstract class QueueWorker<T> implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected abstract readonly logger: Logger;
  private worker: Worker<T> | undefined;

  protected constructor(
    private readonly queueName: string,
    protected readonly config: BerthConfig,
  ) {}

  protected abstract concurrency(): number;
  /** Does the job; `signal` aborts with a HandBack when the worker hands the job back. */
  protected abstract handle(job: Job<T>, signal: AbortSignal): Promise<void>;

  onApplicationBootstrap(): void {
    this.worker = new Worker<T>(this.queueName, (job, token, signal) => this.process(job, token, signal), {
      connection: redisConnection(this.config.REDIS_URL, 'worker'),
      prefix: redisKeyPrefix(this.config),
      concurrency: this.concurrency(),
      lockDuration: this.config.BERTH_JOB_LOCK_MS,
      stalledInterval: this.config.BERTH_JOB_LOCK_MS,
    });
    // Without a listener, a Redis outage would be an unhandled 'error' event; BullMQ reconnects itself.
    this.worker.on('error', (error) => this.logger.warn(`queue ${this.queueName}: ${error.message}`));
  }

  async beforeApplicationShutdown(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const closing = worker.close(); // stops fetching now; resolves when the jobs in flight end
    const handBack = await Promise.race([
      closing.then(() => false),
      sleep(this.config.BERTH_SHUTDOWN_GRACE_MS).then(() => true),
    ]);
    if (handBack) {
      this.logger.warn(`queue ${this.queueName}: grace period over; handing the jobs in flight back`);
      worker.cancelAllJobs('shutdown');
      await closing;
    }
    this.logger.log(`queue ${this.queueName}: closed`);
  }

  private async process(job: Job<T>, token: string | undefined, bullSignal: AbortSignal | undefined): Promise<void> {
    // BullMQ aborts only through cancelAllJobs (above); turn that into a recognisable reason.
    const handBack = new AbortController();
    // From the job's (last) enqueueing to this worker taking it; a delayed job counts from its delay's end.
    queueWait.observe({ queue: this.queueName }, Math.max(0, Date.now() - job.timestamp - (job.delay ?? 0)) / 1000);
    bullSignal?.addEventListener('abort', () => handBack.abort(new HandBack()), { once: true });
    try {
      await this.handle(job, handBack.signal);
    } catch (error) {
      if (!handBack.signal.aborted || !token) throw error;
      await job.moveToWait(token);
      // Tells BullMQ the job was moved on purpose: neither failed nor completed.
      throw new WaitingError();
    }
  }
}
