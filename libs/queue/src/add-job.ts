import { type JobsOptions, type Queue } from 'bullmq';
import { BerthError, ErrorCode } from '#domain';

/** How long finished jobs stay visible on the admin queue page. */
const KEEP_FINISHED: Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> = {
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * Adds one job with a deterministic id (so a retried request cannot enqueue it twice) and
 * exponential retries. Redis being down is the caller's 503, never a 500.
 */
export async function addJob<T>(
  queue: Queue<T>,
  name: string,
  data: T,
  retry: { jobId: string; attempts: number; delayMs: number },
): Promise<void> {
  try {
    // BullMQ's name/data generics are stricter than the plain queue we hold; the data type is T.
    await (queue as Queue).add(name, data, {
      jobId: retry.jobId,
      attempts: retry.attempts,
      backoff: { type: 'exponential', delay: retry.delayMs },
      ...KEEP_FINISHED,
    });
  } catch (error) {
    throw new BerthError(
      ErrorCode.Unavailable,
      `the job queue is unavailable: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
