import { type IncomingMessage } from 'node:http';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { type WebSocket, WebSocketServer } from 'ws';
import { DOORS, type AuthenticatedUser } from '#auth';
import { RUNTIME_DRIVER, type RuntimeDriver } from '#runtime';
import { WorkspaceAccessService } from '../access/workspace-access.service.js';
import { TtySession } from '../access/tty-session.js';
import { UpgradeRouter } from '../access/upgrade.router.js';
import { LiveConnections } from '../common/live-connections.js';
import { AuditService } from '../audit/audit.service.js';

type ClientMessage = { type: 'input'; data: string } | { type: 'resize'; cols: number; rows: number };

const clamp = (n: unknown, min: number, max: number, fallback: number): number =>
  typeof n === 'number' && Number.isFinite(n) ? Math.min(max, Math.max(min, Math.round(n))) : fallback;

/**
 * The browser terminal: a WebSocket bridged to a `docker exec` TTY in the workspace, as the
 * template user in their home. Output goes out as binary frames; input and resizes come in as
 * JSON text frames. Authentication, Origin and ownership are checked by the upgrade router first.
 */
@Injectable()
export class TerminalGateway implements OnModuleInit {
  private readonly logger = new Logger(TerminalGateway.name);
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });

  constructor(
    private readonly access: WorkspaceAccessService,
    @Inject(RUNTIME_DRIVER) private readonly runtime: RuntimeDriver,
    private readonly live: LiveConnections,
    private readonly audit: AuditService,
    private readonly router: UpgradeRouter,
  ) {}

  onModuleInit(): void {
    this.router.addDoor({
      path: /^\/api\/v1\/workspaces\/([0-9a-f-]{36})\/terminal$/,
      // Roles and token scope come from the door table, checked by the upgrade router.
      door: DOORS['WS /api/v1/workspaces/:id/terminal'],
      open: (req, socket, head, user, match) => this.open(req, socket, head, user, match[1]!),
    });
  }

  /** Terminal sessions are audited when they open and when they close (with how long they lasted). */
  private record(
    user: AuthenticatedUser,
    req: IncomingMessage,
    workspaceId: string,
    action: string,
    details = {},
  ): void {
    void this.audit.record({
      actor: user,
      action,
      targetType: 'workspace',
      targetId: workspaceId,
      ip: (req as IncomingMessage & { ip?: string }).ip ?? req.socket.remoteAddress ?? null,
      outcome: 'success',
      details,
    });
  }

  /** Resolves once the shell is attached; rejects (before the upgrade) when it cannot be. */
  async open(
    req: IncomingMessage,
    socket: import('node:stream').Duplex,
    head: Buffer,
    user: AuthenticatedUser,
    workspaceId: string,
  ): Promise<void> {
    const target = await this.access.runningTarget(user, workspaceId, {
      door: DOORS['WS /api/v1/workspaces/:id/terminal'],
    });
    const url = new URL(req.url ?? '/', 'http://localhost');
    const terminal = await this.runtime.openTerminal(workspaceId, {
      user: target.user,
      workdir: target.homePath,
      cols: clamp(Number(url.searchParams.get('cols')), 10, 500, 80),
      rows: clamp(Number(url.searchParams.get('rows')), 5, 200, 24),
      env: {},
    });
    // Window changes and input in the order they came: input after a resize waits until it is applied.
    const tty = new TtySession();
    await tty.attach(terminal);
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const overflow = (): void => ws.close(1009, 'too much input at once');
      terminal.stream.on('data', (chunk: Buffer) => ws.send(chunk, { binary: true }));
      terminal.stream.on('end', () => ws.close(1000, 'shell exited'));
      terminal.stream.on('error', () => ws.close(1011, 'terminal stream failed'));
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (isBinary) return void tty.write(data).catch(overflow);
        let message: ClientMessage;
        try {
          message = JSON.parse(data.toString()) as ClientMessage;
        } catch {
          return;
        }
        if (message.type === 'input' && typeof message.data === 'string') {
          void tty.write(message.data).catch(overflow);
          this.access.recordActivity(workspaceId);
        }
        if (message.type === 'resize')
          void tty.resize(clamp(message.cols, 10, 500, 80), clamp(message.rows, 5, 200, 24)).catch(() => undefined);
      });
      // 1001 "going away": the portal reconnects the terminal to the restarted server.
      const unregister = this.live.add(() => ws.close(1001, 'the server is restarting'), 'websocket');
      const openedAt = Date.now();
      ws.on('close', () => {
        unregister();
        this.record(user, req, workspaceId, 'terminal.close', { seconds: Math.round((Date.now() - openedAt) / 1000) });
        // The shell and its children are ended in the container, not just detached from.
        void terminal.close().catch(() => terminal.stream.destroy());
      });
      this.access.recordActivity(workspaceId);
      this.record(user, req, workspaceId, 'terminal.open');
      this.logger.log(`terminal opened on workspace ${workspaceId} by ${user.email}`);
    });
  }
}
