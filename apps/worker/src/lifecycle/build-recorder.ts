import { BerthError, ErrorCode } from '#domain';
import { type BuildsRepository } from '#persistence';
import { abortable, reasonOf } from '#common';
import { type LogSink } from '#runtime';
import { retryTransient } from '../common/transient.js';

export interface RecorderOptions {
  /** Upper bound of any one stage (a hung engine call or script fails the build, never hangs it). */
  stageTimeoutMs: number;
  /** How long a log write may wait for the database to come back before the lines are dropped. */
  writeRetryMs: number;
  /** Aborts every stage from outside (the worker hands the build back while shutting down). */
  external?: AbortSignal;
  /** Live copy of each batch of lines (for watchers); the database copy is the record. */
  onLines?: LogSink;
}

/**
 * One build's stage timings, log lines and abort signal. Each stage runs with its own
 * AbortController, aborted by the stage's time limit, a cancel request or the worker's hand-back;
 * the signal reaches the Docker requests, so an abandoned request is closed at the engine.
 */
export class BuildRecorder {
  readonly stages: Record<string, number> = {};
  /** Stage → key of its last successful run (e.g. the container id the scripts ran in). */
  private readonly completed = new Map<string, string>();
  private readonly aborter = new AbortController();
  private writes: Promise<void> = Promise.resolve();
  private cancelTimer: NodeJS.Timeout | undefined;
  private readonly tail: string[] = [];

  constructor(
    private readonly buildId: string,
    private readonly builds: BuildsRepository,
    private readonly options: RecorderOptions,
  ) {
    const external = options.external;
    if (external?.aborted) this.abort(reasonOf(external));
    external?.addEventListener('abort', () => this.abort(reasonOf(external)), { once: true });
  }

  /** Aborted when the build is cancelled or handed back. */
  get signal(): AbortSignal {
    return this.aborter.signal;
  }

  abort(reason: Error): void {
    if (!this.aborter.signal.aborted) this.aborter.abort(reason);
  }

  readonly log: LogSink = (stream, lines) => {
    if (lines.length === 0) return;
    this.tail.push(...lines);
    this.tail.splice(0, Math.max(0, this.tail.length - 20));
    this.options.onLines?.(stream, lines);
    // Chained so lines land in order; a database restart delays them instead of losing them.
    const until = Date.now() + this.options.writeRetryMs;
    this.writes = this.writes
      .then(() => retryTransient(() => this.builds.appendLog(this.buildId, stream, lines), { until }))
      .catch(() => undefined);
  };

  /** Times one stage, records it (which also refreshes the heartbeat) and returns its result. */
  async stage<T>(name: string, work: (signal: AbortSignal) => Promise<T>, key = ''): Promise<T> {
    const started = performance.now();
    this.log('system', [`stage ${name}: started`]);
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(reasonOf(this.signal));
    if (this.signal.aborted) onAbort();
    this.signal.addEventListener('abort', onAbort, { once: true });
    const seconds = Math.round(this.options.stageTimeoutMs / 1000);
    const timer = setTimeout(
      () => controller.abort(new BerthError(ErrorCode.RuntimeFailure, `stage ${name} timed out after ${seconds} s`)),
      this.options.stageTimeoutMs,
    );
    try {
      const result = await abortable(work(controller.signal), controller.signal);
      this.completed.set(name, key);
      return result;
    } finally {
      clearTimeout(timer);
      this.signal.removeEventListener('abort', onAbort);
      this.stages[name] = Math.round(performance.now() - started);
      this.log('system', [`stage ${name}: ${this.stages[name]} ms`]);
      // Best effort: the final write of the build records every stage again.
      await this.builds.recordStage(this.buildId, this.stages).catch(() => undefined);
    }
  }

  /** True when `stage` already succeeded in this run with the same key (skip it on a retry). */
  done(stage: string, key = ''): boolean {
    return this.completed.get(stage) === key;
  }

  /** Polls for a cancel request while the build runs (cheap: one indexed read a second). */
  watchCancellation(everyMs = 1000): void {
    this.cancelTimer = setInterval(() => {
      void this.builds.isCancelRequested(this.buildId).then(
        (yes) => {
          if (yes) this.abort(new BerthError(ErrorCode.Cancelled, 'cancelled on request'));
        },
        () => undefined,
      );
    }, everyMs);
  }

  stopWatching(): void {
    clearInterval(this.cancelTimer);
  }

  /** The last log lines, for an error message that explains itself. */
  lastLines(count: number): string[] {
    return this.tail.slice(-count);
  }

  flush(): Promise<void> {
    return this.writes;
  }
}
