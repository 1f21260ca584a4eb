import { type IncomingMessage } from 'node:http';
import { type Duplex } from 'node:stream';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { createWebSocketStream, type WebSocket, WebSocketServer } from 'ws';
import { DOORS, WorkspaceAccessRule, type AuthenticatedUser } from '#auth';
import { LiveConnections } from '../common/live-connections.js';
import { UpgradeRouter } from '../access/upgrade.router.js';
import { SshGatewayService } from './ssh-gateway.service.js';

/**
 * `GET /api/v1/workspaces/:id/ssh` (WebSocket): binary frames carry an SSH connection to the
 * gateway, so a deployment needs only its HTTPS port (`berth ssh --stdio` is the client end).
 * The HTTP door authenticates the caller (session or token, Origin checked by the router); the
 * SSH key inside must then be that same user's, for that workspace.
 */
@Injectable()
export class SshWebSocketDoor implements OnModuleInit {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });

  constructor(
    private readonly router: UpgradeRouter,
    private readonly gateway: SshGatewayService,
    private readonly access: WorkspaceAccessRule,
    private readonly live: LiveConnections,
  ) {}

  onModuleInit(): void {
    this.router.addDoor({
      path: /^\/api\/v1\/workspaces\/([0-9a-f-]{36})\/ssh$/,
      // Roles and token scope come from the door table, checked by the upgrade router.
      door: DOORS['WS /api/v1/workspaces/:id/ssh'],
      open: (req, socket, head, user, match) => this.open(req, socket, head, user, match[1]!),
    });
  }

  private async open(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    user: AuthenticatedUser,
    workspaceId: string,
  ): Promise<void> {
    const ws = await this.access.requireWorkspaceAccess(user, workspaceId, {
      door: DOORS['WS /api/v1/workspaces/:id/ssh'],
    });
    this.wss.handleUpgrade(req, socket, head, (client: WebSocket) => {
      const stream = createWebSocketStream(client);
      stream.on('error', () => stream.destroy());
      const unregister = this.live.add(() => client.close(1001, 'the server is restarting'), 'websocket');
      client.on('close', unregister);
      this.gateway.injectStream(stream, req.socket.remoteAddress ?? 'unknown', { userId: user.id, workspaceId: ws.id });
    });
  }
}
