import { randomUUID } from 'node:crypto';
import { type Credentials } from './credentials.js';

/**
 * Every HTTP call the CLI makes goes through this file (one place to swap for the generated
 * client of libs/contract): bearer token, JSON in and out, problem documents turned into
 * ApiError, a refused connection into UnreachableError.
 */

export interface WorkspaceSummary {
  id: string;
  name: string;
  status: string;
  templateId: string;
  lastError: string | null;
  ownerId: string;
  [field: string]: unknown;
}

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

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** Sent as Idempotency-Key; a create without one gets a fresh random key. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** An event of a workspace's SSE stream. */
export interface StreamEvent {
  type: string;
  data: unknown;
}

export class BerthApi {
  constructor(readonly credentials: Credentials) {}

  url(path: string, query: RequestOptions['query'] = {}): string {
    const url = new URL(`${this.credentials.url}/api/v1${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<Answer<T>> {
    const url = this.url(path, options.query);
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.credentials.token}`,
      Accept: 'application/json',
    };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (method === 'POST') headers['Idempotency-Key'] = options.idempotencyKey ?? randomUUID();
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
      });
    } catch (error) {
      throw new UnreachableError(this.credentials.url, error);
    }
    const text = await res.text();
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = { detail: text.slice(0, 200) };
    }
    if (!res.ok) {
      const problem = (typeof body === 'object' && body !== null ? body : {}) as Problem;
      throw new ApiError(res.status, { ...problem, status: res.status }, `${method} ${path}`);
    }
    return { status: res.status, body: body as T, headers: res.headers };
  }

  async get<T>(path: string, query?: RequestOptions['query']): Promise<T> {
    return (await this.request<T>('GET', path, { query })).body;
  }

  async post<T>(path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    return (await this.request<T>('POST', path, { body: body ?? {}, idempotencyKey })).body;
  }

  async delete(path: string, query?: RequestOptions['query']): Promise<void> {
    await this.request('DELETE', path, { query });
  }

  /** Every item of a paginated list, page after page. */
  async all<T>(path: string, query: RequestOptions['query'] = {}): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.get<Page<T> | T[]>(path, { ...query, limit: 200, cursor });
      if (Array.isArray(page)) return page; // a list that does not paginate (yet)
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return items;
  }

  /** The caller's own workspaces (an admin sees everyone's, but names are unique per owner). */
  async workspaces(): Promise<WorkspaceSummary[]> {
    return this.all<WorkspaceSummary>('/workspaces', { owner: 'me' });
  }

  /** A workspace by name (or id); a 404-like ApiError when there is none. */
  async workspaceByName(name: string): Promise<WorkspaceSummary> {
    const found = (await this.workspaces()).find((w) => w.name === name || w.id === name);
    if (!found) throw new ApiError(404, { status: 404, detail: `no workspace named ${name}` }, 'workspace lookup');
    return found;
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
