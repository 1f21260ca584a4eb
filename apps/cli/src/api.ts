import { type Credentials } from './credentials.js';

export interface WorkspaceSummary {
  id: string;
  name: string;
  status: string;
}

/** A thin client of the Berth API: bearer token, JSON, problem documents turned into errors. */
export class BerthApi {
  constructor(readonly credentials: Credentials) {}

  async get<T>(path: string): Promise<T> {
    const res = await fetch(`${this.credentials.url}/api/v1${path}`, {
      headers: { Authorization: `Bearer ${this.credentials.token}`, Accept: 'application/json' },
    });
    const body = (await res.json().catch(() => ({}))) as T & { detail?: string };
    if (!res.ok) throw new Error(`${res.status} ${body.detail ?? res.statusText} (GET ${path})`);
    return body;
  }

  /** Lists answer either an array or `{items, nextCursor}` (paginated lists); both are read. */
  async workspaces(): Promise<WorkspaceSummary[]> {
    const body = await this.get<WorkspaceSummary[] | { items: WorkspaceSummary[] }>('/workspaces');
    return Array.isArray(body) ? body : body.items;
  }

  async workspaceByName(name: string): Promise<WorkspaceSummary> {
    const found = (await this.workspaces()).find((w) => w.name === name);
    if (!found) throw new Error(`no workspace named ${name}`);
    return found;
  }

  /** The WebSocket URL of a workspace's SSH door. */
  sshUrl(workspaceId: string): string {
    return `${this.credentials.url.replace(/^http/, 'ws')}/api/v1/workspaces/${workspaceId}/ssh`;
  }
}
