import type Docker from 'dockerode';
import { type LogSink } from './runtime.driver.js';

interface PullEvent {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
}

const formatBytes = (n: number): string => (n < 1e6 ? `${(n / 1e3).toFixed(1)} kB` : `${(n / 1e6).toFixed(1)} MB`);

/** Logs each layer's status changes and, at most once a second, download progress in bytes. */
export async function pullImage(docker: Docker, ref: string, log: LogSink, signal?: AbortSignal): Promise<void> {
  const stream = await docker.pull(ref, { abortSignal: signal });
  const lastStatus = new Map<string, string>();
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
    log('system', [
      `pull ${ref}: ${layer && layer !== ref.split(':').pop() ? `layer ${layer} ` : ''}${status}${bytes}`,
    ]);
  };
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve()), onProgress);
  });
}
