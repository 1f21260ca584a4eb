import { type ApiClient, createUser, type CreatedUser, signIn, testAdmin, uniqueName } from './api-client.js';

/** The image every test template uses unless it says otherwise (built by scripts/images.sh). */
export const TEST_IMAGE = 'berth/busybox:test';

export interface NewTemplate {
  id: string;
  name: string;
}

export interface NewWorkspace {
  id: string;
  name: string;
  templateId: string;
  owner: ApiClient;
}

export interface NewWorkspaceOptions {
  /** Whose workspace it is (default: a new developer). */
  owner?: ApiClient;
  /** Default: a new template with `TEST_IMAGE` and nothing else. */
  templateId?: string;
  /** Default: a unique name from `prefix` (default `ws`). */
  name?: string;
  prefix?: string;
  parameters?: Record<string, unknown>;
  /**
   * Wait until it is there: `running` (its first start done), or `stopped` (started, then
   * stopped). Absent: returned as soon as the API accepted it (`pending`).
   */
  status?: 'running' | 'stopped';
}

/**
 * Builds what a test needs through the real API, as a user would (the medium-test factories
 * of immich, `ctx.newUser()`, `ctx.newWorkspace({ status })`, over HTTP: Berth's tests run
 * against the real API and worker). Every step checks its answer, so a broken setup fails
 * at the line that broke, not in a later assertion.
 */
export class TestContext {
  private readonly workspaces: NewWorkspace[] = [];

  private constructor(readonly admin: ApiClient) {}

  /** Signs in as the bootstrap admin of the test server. */
  static async create(): Promise<TestContext> {
    return new TestContext(await signIn(testAdmin.email, testAdmin.password));
  }

  /** A user made by the admin (a developer unless `role` says otherwise), signed in. */
  newUser(options: { role?: 'developer' | 'admin'; prefix?: string; name?: string } = {}): Promise<CreatedUser> {
    return createUser(this.admin, options);
  }

  /** A template made by the admin: `TEST_IMAGE` plus whatever `spec` sets. */
  async newTemplate(spec: Record<string, unknown> = {}, options: { prefix?: string } = {}): Promise<NewTemplate> {
    const name = uniqueName(options.prefix ?? 'tpl');
    const res = await this.admin.post('/templates', { name, spec: { image: TEST_IMAGE, ...spec } });
    expectStatus(res, 201, `creating template ${name}`);
    return { id: (res.body as { id: string }).id, name };
  }

  /** A workspace, brought to `status` when given; `cleanup()` deletes it. */
  async newWorkspace(options: NewWorkspaceOptions = {}): Promise<NewWorkspace> {
    const owner = options.owner ?? (await this.newUser()).client;
    const templateId = options.templateId ?? (await this.newTemplate()).id;
    const name = options.name ?? uniqueName(options.prefix ?? 'ws');
    const body = options.parameters ? { name, templateId, parameters: options.parameters } : { name, templateId };
    const res = await owner.post('/workspaces', body);
    expectStatus(res, 202, `creating workspace ${name}`);
    const workspace = { id: (res.body as { id: string }).id, name, templateId, owner };
    this.workspaces.push(workspace);
    if (options.status) await owner.waitForStatus(workspace.id, 'running');
    if (options.status === 'stopped') {
      expectStatus(await owner.post(`/workspaces/${workspace.id}/stop`), 202, `stopping workspace ${name}`);
      await owner.waitForStatus(workspace.id, 'stopped');
    }
    return workspace;
  }

  /** Deletes the workspaces made here (those a test has not deleted itself) and waits until they are gone. */
  async cleanup(): Promise<void> {
    const made = this.workspaces.splice(0);
    await Promise.all(made.map((ws) => ws.owner.delete(`/workspaces/${ws.id}`)));
    for (const ws of made) await ws.owner.waitForGone(ws.id);
  }
}

function expectStatus(res: { status: number; body: unknown }, status: number, what: string): void {
  if (res.status !== status) throw new Error(`${what} answered ${res.status}: ${JSON.stringify(res.body)}`);
}
