import { type TerminalSession } from '#runtime';

/** What a TtySession drives: the attached exec's byte stream and its window size. */
export type TtyTarget = Pick<TerminalSession, 'resize'> & { stream: Pick<TerminalSession['stream'], 'write'> };

export interface TtySessionOptions {
  /** Input held while a window change is applied or the exec is not attached yet; beyond it, input fails. */
  maxQueuedBytes?: number;
}

/**
 * The client side of an interactive TTY, shared by every door that opens one (the browser terminal,
 * and an SSH gateway's `pty-req`/`window-change`/data): window changes and input are applied in the
 * order they arrived. A window change that arrives before the exec is attached is kept and applied
 * once it is, before any input; input that follows a window change waits until the engine has
 * applied it, so a command typed right after a resize (`stty size`) sees the new size.
 */
export class TtySession {
  private target: TtyTarget | null = null;
  /** Operations waiting for the exec; run in order by attach(). */
  private readonly waiting: ((target: TtyTarget) => Promise<void>)[] = [];
  /** The tail of the chain of applied operations (after attach). */
  private chain: Promise<void> = Promise.resolve();
  private queuedBytes = 0;
  private readonly maxQueuedBytes: number;

  constructor(options: TtySessionOptions = {}) {
    this.maxQueuedBytes = options.maxQueuedBytes ?? 1024 * 1024;
  }

  get attached(): boolean {
    return this.target !== null;
  }

  /** Binds the exec; the operations queued so far are applied in order. Resolves once they are. */
  attach(target: TtyTarget): Promise<void> {
    if (this.target) throw new Error('the TTY session is attached already');
    this.target = target;
    for (const op of this.waiting.splice(0)) this.chain = this.chain.then(() => op(target));
    return this.chain;
  }

  /** Changes the window size, after everything received before it. */
  resize(cols: number, rows: number): Promise<void> {
    return this.enqueue(0, (target) => target.resize(cols, rows));
  }

  /** Writes input to the shell, after every window change received before it is applied. */
  write(data: string | Buffer): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (this.queuedBytes + bytes > this.maxQueuedBytes)
      return Promise.reject(new Error('too much input while the terminal was not ready'));
    return this.enqueue(bytes, (target) => {
      target.stream.write(data);
      return Promise.resolve();
    });
  }

  private enqueue(bytes: number, op: (target: TtyTarget) => Promise<void>): Promise<void> {
    this.queuedBytes += bytes;
    const run = async (target: TtyTarget): Promise<void> => {
      try {
        await op(target);
      } finally {
        this.queuedBytes -= bytes;
      }
    };
    if (!this.target) {
      return new Promise((resolve, reject) => {
        this.waiting.push((target) => run(target).then(resolve, (error: unknown) => reject(error as Error)));
      });
    }
    const target = this.target;
    // A failed operation (the shell went away) must not stop the ones behind it.
    const result = this.chain.then(() => run(target));
    this.chain = result.catch(() => undefined);
    return result;
  }
}
