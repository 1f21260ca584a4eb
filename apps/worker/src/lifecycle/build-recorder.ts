import { type BuildsRepository } from '#persistence';
import { type LogSink } from '#runtime';

/**
 * Collects one build's stage timings and log lines. Log writes are chained so lines land in
 * order without making the Docker callbacks async; `flush` waits for all of them.
 */
export class BuildRecorder {
  readonly stages: Record<string, number> = {};
  private writes: Promise<void> = Promise.resolve();
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
    try {
      return await work();
    } finally {
      this.stages[name] = Math.round(performance.now() - started);
      this.log('system', [`stage ${name}: ${this.stages[name]} ms`]);
      await this.builds.recordStage(this.buildId, this.stages);
    }
  }

  /** The last log lines, for an error message that explains itself. */
  lastLines(count: number): string[] {
    return this.tail.slice(-count);
  }

  flush(): Promise<void> {
    return this.writes;
  }
}
