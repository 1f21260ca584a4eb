import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { type Job, type Queue } from 'bullmq';
import { conflict, invalid, notFound, TEMPLATE_QUEUE, WORKSPACE_QUEUE } from '#domain';

export const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface QueueJobView {
  id: string;
  queue: string;
  name: string;
  state: string;
  /** The job's payload as queued (ids only: builds and template versions live in Postgres). */
  data: unknown;
  failedReason: string | null;
  attemptsMade: number;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/**
 * The admin's view of BullMQ: jobs per state with their data and failure reasons, retry of a failed
 * job, removal of one that is stuck. Postgres stays the record: a removed job whose build is still
 * `queued` is enqueued again by the reaper, so removing is for jobs nothing should run (cancel the
 * build for that); retrying re-runs an idempotent job.
 */
@Injectable()
export class QueueJobsService {
  private readonly queues: Map<string, Queue>;

  constructor(@InjectQueue(WORKSPACE_QUEUE) workspaceQueue: Queue, @InjectQueue(TEMPLATE_QUEUE) templateQueue: Queue) {
    this.queues = new Map([
      [WORKSPACE_QUEUE, workspaceQueue],
      [TEMPLATE_QUEUE, templateQueue],
    ]);
  }

  async list(queueName: string, state: JobState, limit: number): Promise<QueueJobView[]> {
    const queue = this.queue(queueName);
    // Newest first: the job an admin is looking for is usually the latest to fail.
    const jobs = await queue.getJobs([state], 0, limit - 1, false);
    return Promise.all(jobs.filter((j): j is Job => Boolean(j)).map((j) => this.view(queue, j)));
  }

  /** Moves a failed job back to waiting (BullMQ's retry); anything else is a conflict. */
  async retry(queueName: string, id: string): Promise<QueueJobView> {
    const queue = this.queue(queueName);
    const job = await this.job(queue, id);
    const state = await job.getState();
    if (state !== 'failed') throw conflict(`only a failed job can be retried; this one is ${state}`, { state });
    await job.retry('failed');
    return this.view(queue, (await this.job(queue, id)) ?? job);
  }

  /** Removes a job that is not running. A job a worker holds (active, locked) cannot be removed. */
  async remove(queueName: string, id: string): Promise<{ id: string; removed: true }> {
    const queue = this.queue(queueName);
    const job = await this.job(queue, id);
    const state = await job.getState();
    if (state === 'active')
      throw conflict('the job is running on a worker; cancel its build, or wait until its lock expires', { state });
    try {
      await job.remove();
    } catch (error) {
      throw conflict(`the job cannot be removed: ${error instanceof Error ? error.message : String(error)}`);
    }
    return { id, removed: true };
  }

  private queue(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw notFound(`queue ${name}`);
    return queue;
  }

  private async job(queue: Queue, id: string): Promise<Job> {
    if (!/^[\w:.-]{1,200}$/.test(id)) throw invalid('not a job id', 'id');
    const job = (await queue.getJob(id)) as Job | undefined;
    if (!job) throw notFound(`job ${id}`);
    return job;
  }

  private async view(queue: Queue, job: Job): Promise<QueueJobView> {
    const iso = (ms: number | undefined): string | null => (ms ? new Date(ms).toISOString() : null);
    return {
      id: job.id ?? '',
      queue: queue.name,
      name: job.name,
      state: await job.getState(),
      data: job.data as unknown,
      failedReason: job.failedReason || null,
      attemptsMade: job.attemptsMade,
      queuedAt: new Date(job.timestamp).toISOString(),
      startedAt: iso(job.processedOn),
      finishedAt: iso(job.finishedOn),
    };
  }
}
