import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type Response } from 'express';

/**
 * An AbortSignal that aborts when the client goes away before its answer was sent (the
 * connection closed), so long work done for it (an exec) is ended instead of running on unseen.
 */
export const ClientGone = createParamDecorator((_data: unknown, ctx: ExecutionContext): AbortSignal => {
  const res = ctx.switchToHttp().getResponse<Response>();
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort(new Error('the client went away'));
  });
  return controller.signal;
});
