import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { type paths } from './generated/openapi.js';

/**
 * The one typed client of the API (openapi-fetch over the generated `paths`): the CLI, the portal
 * and the e2e tests call `client.GET('/api/v1/workspaces/{id}', { params: { path: { id } } })` and
 * get `{ data, error, response }` typed from the document. No zod or domain code inside, so the
 * portal bundles it as it is.
 */
export type BerthClient = Client<paths>;
export type { paths };

export interface BerthClientOptions {
  /** The server's origin, e.g. http://127.0.0.1:8080 (paths carry /api/v1 themselves). */
  baseUrl: string;
  /** An API token, sent as `Authorization: Bearer`; without it, the browser's session cookie. */
  token?: string;
  fetch?: (input: Request) => Promise<Response>;
  headers?: Record<string, string>;
  /** Runs on every request and response (e.g. the portal's CSRF header, the CLI's Idempotency-Key). */
  middleware?: Middleware[];
}

export function createBerthClient(options: BerthClientOptions): BerthClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    headers: {
      Accept: 'application/json',
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
  });
  for (const middleware of options.middleware ?? []) client.use(middleware);
  return client;
}
