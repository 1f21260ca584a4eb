import http from 'node:http';

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Opens an SSE stream and collects events until closed (a real HTTP stream, as a browser would). */
export function openEventStream(
  url: string,
  token: string,
  origin: string,
): { events: SseEvent[]; close: () => void; status: Promise<number>; ended: Promise<void> } {
  const events: SseEvent[] = [];
  let resolveEnded: () => void = () => undefined;
  /** Resolves when the server ends the response (never when the test closes it). */
  const ended = new Promise<void>((resolve) => (resolveEnded = resolve));
  let buffer = '';
  let resolveStatus: (s: number) => void = () => undefined;
  const status = new Promise<number>((resolve) => (resolveStatus = resolve));
  const req = http.get(
    url,
    { headers: { Authorization: `Bearer ${token}`, Origin: origin, Accept: 'text/event-stream' } },
    (res) => {
      resolveStatus(res.statusCode ?? 0);
      res.on('end', () => resolveEnded());
      res.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const blocks = buffer.split('\n\n');
        buffer = blocks.pop() ?? '';
        for (const block of blocks) {
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (data && event !== 'ping') events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
        }
      });
    },
  );
  req.on('error', () => undefined);
  return { events, close: () => req.destroy(), status, ended };
}
