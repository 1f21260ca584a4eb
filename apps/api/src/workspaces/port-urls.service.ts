import { Inject, Injectable } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { UsersRepository, type WorkspaceRecord } from '#persistence';
import { appOrigin, type AppsDomain, appsDomain, ownerHandle } from '../access/app-origins.js';

export type PortUrl = (port: number) => string;

/** Each forwarded port's own origin (`<port>--<workspace>--<owner>.<apps domain>`), for views. */
@Injectable()
export class PortUrls {
  private readonly domain: AppsDomain;

  constructor(
    @Inject(BERTH_CONFIG) config: BerthConfig,
    private readonly users: UsersRepository,
  ) {
    this.domain = appsDomain(config);
  }

  /** One owner lookup per distinct owner, then a URL maker per workspace. */
  async for(rows: WorkspaceRecord[]): Promise<(w: WorkspaceRecord) => PortUrl> {
    const owners = new Map<string, string>();
    for (const id of new Set(rows.map((w) => w.ownerId))) owners.set(id, (await this.users.findById(id))?.email ?? '');
    return (w) => (port) =>
      `${appOrigin(this.domain, { port, workspace: w.name, owner: ownerHandle(owners.get(w.ownerId) ?? '') })}/`;
  }
}
