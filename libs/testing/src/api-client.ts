import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { waitFor } from './wait-for.js';

export const testBaseUrl = (): string =>
  process.env.BERTH_TEST_URL ?? `http://127.0.0.1:${process.env.BERTH_TEST_PORT ?? '18080'}`;
export const testAdmin = { email: 'admin@berth.test', password: 'admin-password-for-tests' };

/** A bearer-token client for the running test server (real HTTP, real services behind it). */
export class ApiClient {
  constructor(
    readonly token: string,
    readonly baseUrl = testBaseUrl(),
  ) {}

  private agent(): TestAgent {
    return request(this.baseUrl);
  }

  /** A GET outside the API prefix (/readyz, /metrics), with no credentials. */
  root(path: string): request.Test {
    return this.agent().get(path);
  }

  get(path: string): request.Test {
    return this.agent().get(`/api/v1${path}`).set('Authorization', `Bearer ${this.token}`);
  }

  post(path: string, body?: object): request.Test {
    const req = this.agent().post(`/api/v1${path}`).set('Authorization', `Bearer ${this.token}`);
    return body === undefined ? req : req.send(body);
  }

  patch(path: string, body: object): request.Test {
    return this.agent().patch(`/api/v1${path}`).set('Authorization', `Bearer ${this.token}`).send(body);
  }

  put(path: string, body: object): request.Test {
    return this.agent().put(`/api/v1${path}`).set('Authorization', `Bearer ${this.token}`).send(body);
  }

  delete(path: string): request.Test {
    return this.agent().delete(`/api/v1${path}`).set('Authorization', `Bearer ${this.token}`);
  }

  /** Waits until the workspace reaches `status` (or fails loudly if it lands on `failed` instead). */
  async waitForStatus(workspaceId: string, status: string, timeoutMs = 90_000): Promise<Record<string, unknown>> {
    const final = await waitFor(
      async () => (await this.get(`/workspaces/${workspaceId}`)).body as Record<string, unknown>,
      (ws) => ws.status === status || (ws.status === 'failed' && status !== 'failed'),
      `workspace ${workspaceId} to be ${status}`,
      timeoutMs,
    );
    if (final.status !== status)
      throw new Error(`workspace ${workspaceId} is ${String(final.status)}: ${String(final.lastError)}`);
    return final;
  }

  /** Waits for a workspace to be gone (GET answers 404). */
  async waitForGone(workspaceId: string, timeoutMs = 90_000): Promise<void> {
    await waitFor(
      async () => (await this.get(`/workspaces/${workspaceId}`)).status,
      (s) => s === 404,
      `workspace ${workspaceId} to be deleted`,
      timeoutMs,
    );
  }
}

/** Signs in with a password, creates a token through the API, and returns a client using it. */
export async function signIn(email: string, password: string, baseUrl = testBaseUrl()): Promise<ApiClient> {
  const agent = request.agent(baseUrl);
  const login = await agent.post('/api/v1/auth/login').send({ email, password });
  if (login.status !== 200) throw new Error(`login as ${email} failed: ${login.status} ${JSON.stringify(login.body)}`);
  const csrf = /berth_csrf=([^;]+)/.exec(String(login.headers['set-cookie']))?.[1] ?? '';
  const created = await agent
    .post('/api/v1/tokens')
    .set('x-csrf-token', csrf)
    .send({ name: `test-${Date.now()}` });
  if (created.status !== 201)
    throw new Error(`token creation failed: ${created.status} ${JSON.stringify(created.body)}`);
  return new ApiClient((created.body as { token: string }).token, baseUrl);
}

let counter = 0;
/** A unique, valid DNS-label name for objects a test creates. */
export const uniqueName = (prefix: string): string =>
  `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter++}`;

export interface CreatedUser {
  id: string;
  email: string;
  password: string;
  /** Signed in with a token of its own (all scopes). */
  client: ApiClient;
}

/** Creates a user through the admin API and returns it with a signed-in client. */
export async function createUser(
  admin: ApiClient,
  options: { role?: 'developer' | 'admin'; prefix?: string; name?: string } = {},
): Promise<CreatedUser> {
  const email = `${uniqueName(options.prefix ?? 'dev')}@berth.test`;
  const password = 'developer-password-1';
  const res = await admin.post('/users', {
    email,
    name: options.name ?? 'Test Developer',
    password,
    role: options.role ?? 'developer',
  });
  if (res.status !== 201) throw new Error(`creating user failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: (res.body as { id: string }).id, email, password, client: await signIn(email, password, admin.baseUrl) };
}

/** Creates a developer through the admin API and returns a signed-in client for them. */
export async function createDeveloper(admin: ApiClient): Promise<{ client: ApiClient; id: string }> {
  const { client, id } = await createUser(admin);
  return { client, id };
}
