/**
 * The reason a job stops early when the worker shuts down and its grace period is over: not a
 * failure. The build goes back to `queued` and the job back to the queue, where another worker
 * (or this one, restarted) takes it at once and re-runs its idempotent steps.
 */
export class HandBack extends Error {
  constructor() {
    super('the worker is shutting down; the build goes back to the queue for another worker');
    this.name = 'HandBack';
  }
}

export const isHandBack = (error: unknown): error is HandBack => error instanceof HandBack;
