/**
 * The one way the portal talks to the API: same-origin fetch with the session cookie, the
 * double-submit CSRF header on every change, problem+json errors turned into ApiError, and any
 * 401 reported to the session (which shows the sign-in page with an "expired" message).
 */

export const API_BASE = '/api/v1';
export const CSRF_COOKIE = 'berth_csrf';
/** Over https the API names it with the `__Host-` prefix. */
const csrfCookie = (): string | null => readCookie(`__Host-${CSRF_COOKIE}`) ?? readCookie(CSRF_COOKIE);

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field: string | null = null,
    readonly body: unknown = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type UnauthorizedHandler = () => void;
let unauthorizedHandler: UnauthorizedHandler | null = null;

/** The session registers here; called on any 401 except a failed sign-in. */
export function onUnauthorized(handler: UnauthorizedHandler | null): void {
  unauthorizedHandler = handler;
}

export function reportUnauthorized(): void {
  unauthorizedHandler?.();
}

export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

export const hasSessionHint = (): boolean => csrfCookie() !== null;

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

interface RequestOptions {
  /** Do not treat 401 as an expired session (the sign-in form itself). */
  allow401?: boolean;
  signal?: AbortSignal;
}

/** A request to an absolute path on this origin (e.g. /readyz or /api/v1/...). */
export async function request<T>(
  method: Method,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const csrf = csrfCookie();
    if (csrf) headers['x-csrf-token'] = csrf;
  }
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'Cannot reach the Berth server. Check your connection and try again.');
  }
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text) as unknown;
    } catch {
      data = text;
    }
  }
  if (res.status === 401 && !options.allow401) reportUnauthorized();
  if (!res.ok) throw toError(res.status, data);
  return data as T;
}

function toError(status: number, data: unknown): ApiError {
  if (data && typeof data === 'object') {
    const p = data as { detail?: unknown; title?: unknown; message?: unknown; field?: unknown };
    const message = [p.detail, p.message, p.title].find((m): m is string => typeof m === 'string' && m.length > 0);
    return new ApiError(
      status,
      message ?? `Request failed (${status})`,
      typeof p.field === 'string' ? p.field : null,
      data,
    );
  }
  return new ApiError(status, typeof data === 'string' && data ? data : `Request failed (${status})`);
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => request<T>('GET', API_BASE + path, undefined, { signal }),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>('POST', API_BASE + path, body ?? {}, options),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', API_BASE + path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', API_BASE + path, body),
  delete: <T>(path: string) => request<T>('DELETE', API_BASE + path),
};

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
