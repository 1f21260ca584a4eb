import { BoundedLineReader } from './bounded-lines.js';

/** One JSON event line of a build or pull is never near this; a longer one is dropped. */
const EVENT_LINE_LIMIT_BYTES = 1024 * 1024;

/**
 * Reads the engine's JSON-lines progress stream (build, pull) through the bounded reader and hands
 * each event over as it arrives. docker-modem's followProgress is not used: it re-joins its
 * buffer on every chunk and keeps every event in memory until the end.
 */
export function followEvents<T>(stream: NodeJS.ReadableStream, onEvent: (event: T) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let failed = false;
    const reader = new BoundedLineReader(
      (lines) => {
        for (const line of lines) {
          if (failed || line.length === 0 || line.endsWith(' bytes]')) continue;
          try {
            onEvent(JSON.parse(line) as T);
          } catch (error) {
            failed = true;
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        }
      },
      { maxLineBytes: EVENT_LINE_LIMIT_BYTES, maxTotalBytes: Number.POSITIVE_INFINITY },
    );
    stream.on('data', (chunk: Buffer | string) => reader.push(chunk));
    stream.on('error', reject);
    const done = (): void => {
      reader.end();
      resolve();
    };
    stream.on('end', done);
    stream.on('close', done);
  });
}
