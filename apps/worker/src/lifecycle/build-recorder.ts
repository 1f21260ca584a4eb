import { BerthError, ErrorCode } from '#domain';
import { type BuildsRepository } from '#persistence';
import { type LogSink } from '#runtime';

/**
 * Collects one build's stage timings and log lines. Log writes are chained so lines land in
 * order without making the Docker callbacks async; `flush` waits for all of them.
 */
export class BuildRecorder {
  readonly stages: Record<string, number> = {};
  private writes: Promise<void> = Promise.resolve();
  private cancelTimer: NodeJS.Timeout | undefined;
  // Declared before `cancelled` and without an initializer: field initializers run in order, and
  // one here would overwrite the reject function the promise below hands over.
  private rejectCancelled!: (error: Error) => void;
  /** Rejects when someone asks to cancel the build; every stage races against it. */
  private readonly cancelled = new Promise<never>((_, reject) => {
    this.rejectCancelled = reject;
  });
  /** Upper bound of any one stage (a hung engine call or script fails the build, never hangs it). */
  stageTimeoutMs = 15 * 60_000;
  private readonly tail: string[] = [];

  constructor(
    private readonly buildId: string,
    private readonly builds: BuildsRepository,
    /** Live copy of each batch of lines (for watchers); the database copy is the record. */
    private readonly onLines: LogSink = () => undefined,
  ) {}

  readonly log: LogSink = (stream, lines) => {
    if (lines.length === 0) return;
    this.tail.push(...lines);
    this.tail.splice(0, Math.max(0, this.tail.length - 20));
    this.onLines(stream, lines);
    this.writes = this.writes.then(() => this.builds.appendLog(this.buildId, stream, lines)).catch(() => undefined);
  };

  /** Times one stage, records it (which also refreshes the heartbeat) and returns its result. */
  async stage<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    this.log('system', [`stage ${name}: started`]);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new BerthError(ErrorCode.RuntimeFailure, `stage ${name} timed out after ${Math.round(this.stageTimeoutMs / 1000)} s`)), this.stageTimeoutMs);
    });
    try {
      return await Promise.race([work(), this.cancelled, deadline]);
    } finally {
      clearTimeout(timer);
      this.stages[name] = Math.round(performance.now() - started);
      this.log('system', [`stage ${name}: ${this.stages[name]} ms`]);
      await this.builds.recordStage(this.buildId, this.stages);
    }
  }

  /** Polls for a cancel request while the build runs (cheap: one indexed read a second). */
  watchCancellation(everyMs = 1000): void {
    void this.cancelled.catch(() => undefined); // handled by whichever stage is racing it
    this.cancelTimer = setInterval(() => {
      void this.builds.isCancelRequested(this.buildId).then((yes) => {
        if (yes) this.rejectCancelled(new BerthError(ErrorCode.Cancelled, 'cancelled on request'));
      }, () => undefined);
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
