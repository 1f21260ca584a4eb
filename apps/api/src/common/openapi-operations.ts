import { type Door } from '#auth';
import { type OperationReturns, type OperationSpec } from './api-operation.js';

/** Problem responses by status, shared as `components.responses` (RFC 9457 bodies with an example). */
const PROBLEMS: Record<number, { name: string; title: string; code: string; detail: string }> = {
  400: { name: 'BadRequest', title: 'Bad Request', code: 'validation', detail: 'name must be a DNS label' },
  401: {
    name: 'Unauthorized',
    title: 'Unauthorized',
    code: 'unauthenticated',
    detail: 'sign in or send a bearer token',
  },
  403: { name: 'Forbidden', title: 'Forbidden', code: 'forbidden', detail: 'this needs the admin role' },
  404: { name: 'NotFound', title: 'Not Found', code: 'not_found', detail: 'workspace not found' },
  409: { name: 'Conflict', title: 'Conflict', code: 'conflict', detail: 'the workspace is starting' },
  422: {
    name: 'UnprocessableContent',
    title: 'Unprocessable Content',
    code: 'idempotency_key_reused',
    detail: 'this Idempotency-Key was used for a different request',
  },
  429: { name: 'TooManyRequests', title: 'Too Many Requests', code: 'http-429', detail: 'too many requests' },
  502: { name: 'BadGateway', title: 'Bad Gateway', code: 'runtime_failure', detail: 'the engine refused the request' },
  503: {
    name: 'ServiceUnavailable',
    title: 'Service Unavailable',
    code: 'unavailable',
    detail: 'the queue is unavailable',
  },
};

export function problemResponse(status: number): Record<string, unknown> {
  const p = PROBLEMS[status];
  if (!p) throw new Error(`no problem response is described for status ${status}`);
  return {
    description: p.title,
    content: {
      'application/problem+json': {
        schema: { $ref: '#/components/schemas/Problem' },
        example: { type: `urn:berth:problem:${p.code}`, title: p.title, status, detail: p.detail },
      },
    },
  };
}

/** Any other error: the catch-all of redirecting routes. */
export const anyProblemResponse = {
  description: 'An error',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

export const problemResponseName = (status: number): string => PROBLEMS[status]?.name ?? `Status${status}`;

const ref = (name: string): Record<string, string> => ({ $ref: `#/components/schemas/${name}` });

/** The success response's content for `returns`; `pages` collects the `{items,nextCursor}` views used. */
function successContent(returns: OperationReturns, pages: Set<string>): Record<string, unknown> | undefined {
  if (returns === 'none' || returns === 'redirect') return undefined;
  if (returns === 'text') return { 'text/plain': { schema: { type: 'string' } } };
  if (returns === 'event-stream') return { 'text/event-stream': { schema: ref('WorkspaceEvent') } };
  if (typeof returns === 'string') return { 'application/json': { schema: ref(returns) } };
  if ('listOf' in returns) return { 'application/json': { schema: { type: 'array', items: ref(returns.listOf) } } };
  pages.add(returns.pageOf);
  return {
    'application/json': {
      schema: {
        description: 'A plain array; a page when `limit` or `cursor` is given',
        oneOf: [{ type: 'array', items: ref(returns.pageOf) }, ref(`${returns.pageOf}Page`)],
      },
    },
  };
}

const SUCCESS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted: the work is queued',
  204: 'Done; no body',
  302: 'A redirect',
};

export interface DescribeContext {
  door: Door;
  routePath: string;
  operation: Record<string, unknown>;
  pages: Set<string>;
  problems: Set<number>;
  /** Honours Idempotency-Key: the same key with another body is refused with 422. */
  idempotent: boolean;
}

/**
 * Fills one operation from its `@Operation` spec and its door: operationId, summary, tags,
 * security (cookie or bearer with the token scope), the success response and problem+json errors.
 */
export function describeOperation(spec: OperationSpec, ctx: DescribeContext): void {
  const { door, operation } = ctx;
  operation.operationId = spec.id;
  operation.summary = spec.summary;
  if (spec.description) operation.description = spec.description;
  if (spec.tags) operation.tags = spec.tags;
  const isPublic = door.roles === 'public';
  const scopes = door.scope === 'any' ? [] : [door.scope];
  operation.security = isPublic ? [] : [{ cookie: [] }, { bearer: scopes }];

  const responses: Record<string, unknown> = {};
  const content = successContent(spec.returns, ctx.pages);
  for (const status of [spec.status, ...(spec.alsoStatus ? [spec.alsoStatus] : [])]) {
    responses[String(status)] = {
      description: SUCCESS_TEXT[status] ?? 'OK',
      ...(content ? { content } : {}),
      ...(spec.returns === 'redirect'
        ? { headers: { Location: { description: 'Where to go next', schema: { type: 'string' } } } }
        : {}),
    };
  }
  // Any route may refuse hostile input (input-guard.ts); the door and the path imply the rest.
  const errors = new Set<number>([400, ...(spec.errors ?? [])]);
  if (!isPublic) errors.add(401).add(403);
  if (ctx.idempotent) errors.add(422);
  if (ctx.routePath.includes(':')) errors.add(404);
  for (const status of [...errors].sort((a, b) => a - b)) {
    ctx.problems.add(status);
    responses[String(status)] = { $ref: `#/components/responses/${problemResponseName(status)}` };
  }
  // A redirect's own target answers what follows; any error on the way here is a problem.
  if (spec.returns === 'redirect') responses.default = { $ref: '#/components/responses/AnyProblem' };
  operation.responses = responses;
}
