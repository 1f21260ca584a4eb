import { randomUUID } from 'node:crypto';
import { type Middleware } from 'openapi-fetch';
import { type BerthClient, type components, createBerthClient } from '#contract';
import { type Credentials } from './credentials.js';

/**
 * Every HTTP call the CLI makes goes through the contract's typed client (libs/contract, built on
 * the generated OpenAPI types): bearer token, JSON in and out; `call` turns problem documents into
 * ApiError and a refused connection into UnreachableError.
 */

export type Workspace = components['schemas']['Workspace'];
/** A workspace as the CLI shows it: the view, or just its last status once it is gone. */
export type WorkspaceSummary = Pick<Workspace, 'id' | 'name' | 'status' | 'templateId' | 'lastError' | 'ownerId'> &
  Partial<Workspace>;
export type View<N extends keyof components['schemas']> = components['schemas'][N];

export interface Problem {
  status: number;
  title?: string;
  detail?: string;
  [field: string]: unknown;
}

/** The server answered with an error status (problem+json when it is Berth). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
    readonly request: string,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

/** No answer at all: the server is down, the URL is wrong, or the network failed. */
export class UnreachableError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(
      `cannot reach ${url}: ${cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause)}`,
    );
    this.name = 'UnreachableError';
  }
}

/** An event of a workspace's SSE stream. */
export interface StreamEvent {
  type: string;
  data: unknown;
}

/** Creates get a fresh Idempotency-Key unless the caller chose one (`--idempotency-key`). */
const idempotencyKeys: Middleware = {
  onRequest({ request }) {
    if (request.method === 'POST' && !request.headers.has('Idempotency-Key'))
      request.headers.set('Idempotency-Key', randomUUID());
    return request;
  },
};

type Result<D> = { data?: D; error?: unknown; response: Response };

export class BerthApi {
  readonly client: BerthClient;

  constructor(readonly credentials: Credentials) {
    this.client = createBerthClient({
      baseUrl: credentials.url,
      token: credentials.token,
      middleware: [idempotencyKeys],
    });
  }

  url(path: string): string {
    return `${this.credentials.url}/api/v1${path}`;
  }

  /** The answer of a typed call, or ApiError (with the server's problem) / UnreachableError. */
  async call<D>(pending: Promise<Result<D>>, what = 'request'): Promise<D> {
    let result: Result<D>;
    try {
      result = await pending;
    } catch (error) {
      throw new UnreachableError(this.credentials.url, error);
    }
    if (!result.response.ok) {
      const body = result.error;
      const problem = (
        typeof body === 'object' && body !== null
          ? body
          : typeof body === 'string' && body
            ? { detail: body.slice(0, 200) }
            : {}
      ) as Problem;
      throw new ApiError(result.response.status, { ...problem, status: result.response.status }, what);
    }
    return result.data as D;
  }

  /** Every item of a list route, page after page (`fetchPage` asks for one page from `cursor`). */
  async all<T>(fetchPage: (cursor?: string) => Promise<Result<T[] | { items: T[]; nextCursor: string | null }>>) {
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.call(fetchPage(cursor));
      if (Array.isArray(page)) return page; // a list that does not paginate
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return items;
  }

  /** The caller's own workspaces (an admin sees everyone's, but names are unique per owner). */
  async workspaces(): Promise<Workspace[]> {
    return this.all((cursor) =>
      this.client.GET('/api/v1/workspaces', { params: { query: { owner: 'me', limit: 200, cursor } } }),
    );
  }

  /** A workspace by name (or id); a 404-like ApiError when there is none. */
  async workspaceByName(name: string): Promise<Workspace> {
    const found = (await this.workspaces()).find((w) => w.name === name || w.id === name);
    if (!found) throw new ApiError(404, { status: 404, detail: `no workspace named ${name}` }, 'workspace lookup');
    return found;
  }

  /** The workspace, waiting up to `timeout` seconds for `waitFor` when given. */
  workspace(id: string, query: { waitFor?: string; timeout?: number } = {}): Promise<Workspace> {
    const { waitFor, timeout } = query;
    return this.call(
      this.client.GET('/api/v1/workspaces/{id}', {
        params: { path: { id }, query: { waitFor: waitFor as Workspace['status'] | undefined, timeout } },
      }),
      'GET workspace',
    );
  }

  /**
   * The events of a workspace (Server-Sent Events): the current status first, then each change
   * and build log lines, until the server ends the stream or `signal` aborts.
   */
  async *events(workspaceId: string, signal?: AbortSignal): AsyncGenerator<StreamEvent> {
    let res: Response;
    try {
      res = await fetch(this.url(`/workspaces/${workspaceId}/events`), {
        headers: { Authorization: `Bearer ${this.credentials.token}`, Accept: 'text/event-stream' },
        signal,
      });
    } catch (error) {
      if (signal?.aborted) return;
      throw new UnreachableError(this.credentials.url, error);
    }
    if (!res.ok || !res.body) {
      const problem = (await res.json().catch(() => ({}))) as Problem;
      throw new ApiError(res.status, { ...problem, status: res.status }, 'GET events');
    }
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: ?(.*)$/m.exec(block)?.[1] ?? 'message';
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.replace(/^data: ?/, ''))
            .join('\n');
          if (type === 'ping') continue;
          let parsed: unknown = data;
          try {
            parsed = JSON.parse(data);
          } catch {
            // plain text data
          }
          yield { type, data: parsed };
        }
      }
    } catch (error) {
      if (!signal?.aborted) throw new UnreachableError(this.credentials.url, error);
    }
  }

  /** The WebSocket URL of a workspace's SSH door. */
  sshUrl(workspaceId: string): string {
    return `${this.credentials.url.replace(/^http/, 'ws')}/api/v1/workspaces/${workspaceId}/ssh`;
  }

  /** The WebSocket URL of a workspace's terminal, sized for the local one. */
  terminalUrl(workspaceId: string, cols: number, rows: number): string {
    return `${this.credentials.url.replace(/^http/, 'ws')}/api/v1/workspaces/${workspaceId}/terminal?cols=${cols}&rows=${rows}`;
  }
}
