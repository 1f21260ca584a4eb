import type Docker from 'dockerode';
import { BoundedLineReader, type StreamLimits } from './bounded-lines.js';
import { followEvents } from './engine-events.js';
import { type LogSink } from './runtime.driver.js';

interface PullEvent {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
}

const formatBytes = (n: number): string => (n < 1e6 ? `${(n / 1e3).toFixed(1)} kB` : `${(n / 1e6).toFixed(1)} MB`);

/** Logs each layer's status changes and, at most once a second, download progress in bytes. */
export async function pullImage(
  docker: Docker,
  ref: string,
  log: LogSink,
  signal?: AbortSignal,
  limits?: StreamLimits,
): Promise<void> {
  const stream = await docker.pull(ref, { abortSignal: signal });
  const lastStatus = new Map<string, string>();
  // A registry may send any number of layers and statuses: the bounded reader caps the pull's log.
  const output = new BoundedLineReader((lines) => log('system', lines), limits);
  let lastProgressAt = 0;
  const onProgress = (event: PullEvent): void => {
    const status = event.status ?? '';
    const layer = event.id ?? '';
    if (status === 'Downloading' || status === 'Extracting') {
      if (Date.now() - lastProgressAt < 1000) return;
      lastProgressAt = Date.now();
    } else if (lastStatus.get(layer) === status) {
      return;
    }
    lastStatus.set(layer, status);
    const { current, total } = event.progressDetail ?? {};
    const bytes = current && total ? ` ${formatBytes(current)} of ${formatBytes(total)}` : '';
    const shownLayer = layer && layer !== ref.split(':').pop() ? `layer ${layer} ` : '';
    output.push(`pull ${ref}: ${shownLayer}${status}${bytes}`.replaceAll('\n', ' ') + '\n');
  };
  await followEvents<PullEvent>(stream, onProgress);
}
