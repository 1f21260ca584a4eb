import { type MessageEvent } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { type Observable } from 'rxjs';

/**
 * Writes an Observable as Server-Sent Events. Used instead of Nest's @Sse so that every check
 * (authentication, ownership, Origin) has answered with a proper status before the 200 and
 * the event-stream headers go out.
 */
export function pipeSse(req: Request, res: Response, events: Observable<MessageEvent>): void {
  res.status(200).set({
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no', // no buffering by a reverse proxy in front
  });
  res.flushHeaders();
  const subscription = events.subscribe({
    next: (e) => {
      res.write(`${e.type ? `event: ${e.type}\n` : ''}data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`);
    },
    error: () => res.end(),
    complete: () => res.end(),
  });
  req.on('close', () => subscription.unsubscribe());
}
