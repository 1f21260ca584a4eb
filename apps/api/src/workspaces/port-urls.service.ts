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

  /** One query for every owner in `rows`, then a URL maker per workspace. */
  async for(rows: WorkspaceRecord[]): Promise<(w: WorkspaceRecord) => PortUrl> {
    const owners = await this.users.emailsByIds([...new Set(rows.map((w) => w.ownerId))]);
    return (w) => this.of(w, owners.get(w.ownerId) ?? '');
  }

  /** The URL maker of one workspace whose owner's e-mail is known already (no query). */
  of(w: WorkspaceRecord, ownerEmail: string): PortUrl {
    return (port) => `${appOrigin(this.domain, { port, workspace: w.name, owner: ownerHandle(ownerEmail) })}/`;
  }
}
