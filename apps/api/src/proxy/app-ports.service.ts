import { Injectable } from '@nestjs/common';
import { mayReachWorkspaceOf, type AuthenticatedUser } from '#auth';
import { BerthError, EDITOR_PORT, ErrorCode, invalid, PORT_SHARES, type PortShare } from '#domain';
import { WorkspacesRepository } from '#persistence';
import { AuditService } from '../audit/audit.service.js';
import { WorkspaceAccessService } from '../access/workspace-access.service.js';
import { AppOriginProxy, shareOf, TICKET_PATH } from './app-origin.proxy.js';
import { AppSessionsStore } from './app-sessions.store.js';

@Injectable()
export class AppPortsService {
  constructor(
    private readonly access: WorkspaceAccessService,
    private readonly apps: AppOriginProxy,
    private readonly store: AppSessionsStore,
    private readonly workspaces: WorkspacesRepository,
    private readonly audit: AuditService,
  ) {}

  /** A ticket for the owner and admins, or for anyone signed in when the port is shared. */
  async ticketUrl(user: AuthenticatedUser, workspaceId: string, port: number, path: string): Promise<string> {
    const target = await this.access.runningWorkspace(
      workspaceId,
      (t) => shareOf(t, port) !== 'owner' || mayReachWorkspaceOf(user, t.ownerId),
    );
    if (!target.ports.some((p) => p.port === port) && port !== EDITOR_PORT)
      throw new BerthError(ErrorCode.NotFound, `the template publishes no port ${port}`);
    const safePath = path.startsWith('/') && !path.startsWith('//') ? path : '/';
    const ticket = await this.store.issueTicket({ userId: user.id, workspaceId, port, path: safePath });
    const origin = await this.apps.originFor(target, port);
    return `${origin}${TICKET_PATH}?t=${encodeURIComponent(ticket)}`;
  }

  /** The owner (or an admin) sets a port's share level, up to the template's maximum; audited. */
  async setShare(user: AuthenticatedUser, workspaceId: string, port: number, share: PortShare): Promise<void> {
    const target = await this.access.runningTarget(user, workspaceId);
    if (!target.ports.some((p) => p.port === port))
      throw new BerthError(ErrorCode.NotFound, `the template publishes no port ${port}`);
    if (PORT_SHARES.indexOf(share) > PORT_SHARES.indexOf(target.maxPortShare))
      throw invalid(`the template allows sharing up to ${target.maxPortShare}`, 'share');
    const before = target.portShares[String(port)] ?? 'owner';
    await this.workspaces.setPortShare(workspaceId, port, share);
    await this.audit.record({
      actor: user,
      action: 'workspace.port.share',
      targetType: 'workspace',
      targetId: workspaceId,
      ip: null,
      outcome: 'success',
      details: { port, from: before, to: share },
    });
  }
}
