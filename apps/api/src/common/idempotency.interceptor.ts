import { setTimeout as sleep } from 'node:timers/promises';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { catchError, defer, from, type Observable, of, switchMap, throwError } from 'rxjs';
import { type AuthenticatedUser } from '#auth';
import { BerthError, conflict, ErrorCode, invalid } from '#domain';
import { type IdempotencyClaim, IdempotencyKeysRepository } from '#persistence';
import { hashKey, hashRequest, seal, unseal } from './idempotency-seal.js';
import { isIdempotentRoute } from './idempotent-routes.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** How long a key holds its first answer (the contract: 24 h). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a repeat waits for the first request with its key to finish before answering 409. */
const IN_FLIGHT_WAIT_MS = 60_000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on a POST that creates something (idempotent-routes.ts): the first request with a key runs; a
 * repeat with the same method, path and body within 24 h gets the first answer again (header
 * `Idempotent-Replayed: true`), a different request under the same key gets 422. Keys belong to
 * one user. Only successes are kept: a failed request frees its key, so a retry may run.
 *
 * Concurrent repeats: the row's primary key lets exactly one insert win; the others wait on the
 * row (checked with a growing pause, bounded) until the winner stored its answer or gave up.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly keys: IdempotencyKeysRepository) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request & { user?: AuthenticatedUser }>();
    const header = req.headers[IDEMPOTENCY_HEADER];
    if (header === undefined || !req.user || !isIdempotentRoute(req)) return next.handle();
    const key = Array.isArray(header) ? header.join(',') : header;
    if (!KEY_PATTERN.test(key)) {
      return throwError(() => invalid('Idempotency-Key must be 1 to 255 visible ASCII characters', 'Idempotency-Key'));
    }
    const userId = req.user.id;
    const keyHash = hashKey(key);
    const requestHash = hashRequest(req.method, req.originalUrl, req.body);
    const res = context.switchToHttp().getResponse<Response>();
    const status = httpCodeOf(context);
    // The first request with the key: run it, keep its answer, or free the key if it failed.
    const runFirst = (): Observable<unknown> =>
      next.handle().pipe(
        switchMap((body: unknown) =>
          from(this.keys.complete(userId, keyHash, status, seal(body, key, userId))).pipe(switchMap(() => of(body))),
        ),
        catchError((error: unknown) =>
          from(this.keys.release(userId, keyHash)).pipe(switchMap(() => throwError(() => error))),
        ),
      );

    return from(this.keys.claim(userId, keyHash, requestHash, IDEMPOTENCY_TTL_MS)).pipe(
      switchMap((claim) => {
        if (claim.kind === 'claimed') return runFirst();
        return defer(() => this.answerOf(userId, keyHash, requestHash, claim)).pipe(
          switchMap((sealed) => {
            if (sealed === null) return runFirst();
            res.setHeader('Idempotent-Replayed', 'true');
            return of(unseal(sealed, key, userId));
          }),
        );
      }),
    );
  }

  /**
   * The first request's sealed answer, waiting while it runs. Null: it failed and this request
   * now holds the key, so it runs itself.
   */
  private async answerOf(
    userId: string,
    keyHash: string,
    requestHash: string,
    first: Extract<IdempotencyClaim, { kind: 'existing' }>,
  ): Promise<Uint8Array | null> {
    const deadline = Date.now() + IN_FLIGHT_WAIT_MS;
    let row: Extract<IdempotencyClaim, { kind: 'existing' }> | null = first;
    for (let pause = 20; ; pause = Math.min(pause * 2, 500)) {
      if (row === null) {
        // The first request failed and freed the key: whoever claims it next runs.
        const again = await this.keys.claim(userId, keyHash, requestHash, IDEMPOTENCY_TTL_MS);
        if (again.kind === 'claimed') return null;
        row = again;
      }
      if (row.requestHash !== requestHash) throw reused();
      if (row.status !== null && row.response !== null) return row.response;
      if (Date.now() > deadline) throw conflict('a request with this Idempotency-Key is still in progress');
      await sleep(pause);
      row = await this.keys.find(userId, keyHash);
    }
  }
}

const reused = (): BerthError =>
  new BerthError(
    ErrorCode.IdempotencyKeyReused,
    'this Idempotency-Key was used for a different request in the last 24 hours',
    { field: 'Idempotency-Key' },
  );

/** The status the route answers with (`@HttpCode`, else 201 for a POST). */
function httpCodeOf(context: ExecutionContext): number {
  const code: unknown = Reflect.getMetadata('__httpCode__', context.getHandler());
  return typeof code === 'number' ? code : 201;
}
