/**
 * The one reader for every byte stream that comes from a container or the engine (exec, scripts,
 * build output, pulls, logs). Each chunk costs time linear in its own size: it is scanned once
 * for newlines and only the unfinished line is kept, copied into one buffer of the line limit. A line
 * longer than `maxLineBytes` is cut there and marked; past `maxTotalBytes` for the whole call the
 * rest is counted but dropped, and one `truncated after N bytes` line says so.
 */
export interface StreamLimits {
  /** A longer line is emitted in pieces of this size, each marked as split. */
  maxLineBytes: number;
  /** Bytes kept for one call (one stream of one exec, one build, one pull). */
  maxTotalBytes: number;
}

/** Used where no configuration reaches (the fake driver, unit tests). */
export const DEFAULT_STREAM_LIMITS: StreamLimits = { maxLineBytes: 16 * 1024, maxTotalBytes: 1024 * 1024 };

export const splitMarker = (maxLineBytes: number): string => ` [line split at ${maxLineBytes} bytes]`;
export const truncatedMarker = (maxTotalBytes: number): string => `[output truncated after ${maxTotalBytes} bytes]`;
export const isTruncationMarker = (line: string): boolean => /^\[output truncated after \d+ bytes\]$/.test(line);

const NEWLINE = 0x0a;

export class BoundedLineReader {
  /** The unfinished line, copied in: callers may reuse the chunk they pushed (a fixed read buffer). */
  private pending: Buffer | null = null;
  private pendingBytes = 0;
  private keptBytes = 0;
  /** Every byte seen, kept or not. */
  seenBytes = 0;
  truncated = false;

  constructor(
    private readonly emit: (lines: string[]) => void,
    private readonly limits: StreamLimits = DEFAULT_STREAM_LIMITS,
  ) {}

  push(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.seenBytes += bytes.length;
    if (this.truncated) return;
    const lines: string[] = [];
    let start = 0;
    while (start < bytes.length && !this.truncated) {
      const newline = bytes.indexOf(NEWLINE, start);
      const end = newline === -1 ? bytes.length : newline;
      this.take(bytes.subarray(start, end), lines);
      if (newline === -1) break;
      this.finishLine(lines, false);
      start = newline + 1;
    }
    if (lines.length > 0) this.emit(lines);
  }

  /** Emits the unfinished last line, if any. */
  end(): void {
    if (this.truncated || this.pendingBytes === 0) return;
    const lines: string[] = [];
    this.finishLine(lines, false);
    if (lines.length > 0) this.emit(lines);
  }

  /** Adds bytes to the unfinished line, cutting it at the line limit. */
  private take(piece: Buffer, lines: string[]): void {
    let rest = piece;
    while (rest.length > 0 && !this.truncated) {
      if (this.pendingBytes >= this.limits.maxLineBytes) {
        this.finishLine(lines, true);
        continue;
      }
      const part = rest.subarray(0, this.limits.maxLineBytes - this.pendingBytes);
      this.pending ??= Buffer.allocUnsafe(this.limits.maxLineBytes);
      part.copy(this.pending, this.pendingBytes);
      this.pendingBytes += part.length;
      rest = rest.subarray(part.length);
    }
  }

  private finishLine(lines: string[], split: boolean): void {
    const raw = this.pending?.subarray(0, this.pendingBytes) ?? Buffer.alloc(0);
    const size = this.pendingBytes + 1;
    this.pendingBytes = 0;
    if (this.keptBytes + size > this.limits.maxTotalBytes) {
      this.truncated = true;
      this.pending = null;
      lines.push(truncatedMarker(this.limits.maxTotalBytes));
      return;
    }
    this.keptBytes += size;
    let line = raw.toString('utf8');
    if (line.endsWith('\r')) line = line.slice(0, -1);
    lines.push(split ? line + splitMarker(this.limits.maxLineBytes) : line);
  }
}
