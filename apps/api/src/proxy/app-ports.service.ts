import { Injectable } from '@nestjs/common';
import { type AuthenticatedUser } from '#auth';
import { BerthError, ErrorCode } from '#domain';
import { WorkspaceAccessService } from '../terminal/workspace-access.service.js';
import { AppOriginProxy, TICKET_PATH } from './app-origin.proxy.js';
import { AppSessionsStore } from './app-sessions.store.js';

@Injectable()
export class AppPortsService {
  constructor(
    private readonly access: WorkspaceAccessService,
    private readonly apps: AppOriginProxy,
    private readonly store: AppSessionsStore,
  ) {}

  async ticketUrl(user: AuthenticatedUser, workspaceId: string, port: number, path: string): Promise<string> {
    const target = await this.access.runningTarget(user, workspaceId);
    if (!target.ports.some((p) => p.port === port))
      throw new BerthError(ErrorCode.NotFound, `the template publishes no port ${port}`);
    const safePath = path.startsWith('/') && !path.startsWith('//') ? path : '/';
    const ticket = await this.store.issueTicket({ userId: user.id, workspaceId, port, path: safePath });
    const origin = await this.apps.originFor(target, port);
    return `${origin}${TICKET_PATH}?t=${encodeURIComponent(ticket)}`;
  }
}
