import { type MessageEvent } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { type Observable } from 'rxjs';
import { type LiveConnections } from './live-connections.js';

/**
 * Writes an Observable as Server-Sent Events. Used instead of Nest's @Sse so that every check
 * (authentication, ownership, Origin) has answered with a proper status before the 200 and
 * the event-stream headers go out. On shutdown the stream gets a `shutdown` event and ends, so
 * an EventSource reconnects to another (or the restarted) API process.
 */
export function pipeSse(req: Request, res: Response, events: Observable<MessageEvent>, live: LiveConnections): void {
  res.status(200).set({
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no', // no buffering by a reverse proxy in front
  });
  res.flushHeaders();
  const subscription = events.subscribe({
    next: (e) => {
      res.write(
        `${e.type ? `event: ${e.type}\n` : ''}data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`,
      );
    },
    error: () => res.end(),
    complete: () => res.end(),
  });
  const unregister = live.add(() => {
    subscription.unsubscribe();
    res.end('event: shutdown\ndata: {"reason":"the server is restarting; reconnect"}\n\n');
  }, 'sse');
  req.on('close', () => {
    unregister();
    subscription.unsubscribe();
  });
}
