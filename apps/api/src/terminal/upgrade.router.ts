import { type IncomingMessage, ServerResponse, STATUS_CODES } from 'node:http';
import { type Duplex } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type RequestHandler } from 'express';
import {
  assertAllowedOrigin,
  authorizeDoor,
  DOORS,
  RequestAuthenticator,
  type AuthenticatedUser,
  type Door,
} from '#auth';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { BerthError, ErrorCode } from '#domain';
import { ProblemFilter } from '../common/problem.filter.js';
import { AuditService } from '../audit/audit.service.js';
import { auditRefusal } from '../audit/refusals.js';
import { AppOriginProxy } from '../proxy/app-origin.proxy.js';
import { TerminalGateway } from './terminal.gateway.js';

const TERMINAL_PATH = /^\/api\/v1\/workspaces\/([0-9a-f-]{36})\/terminal$/;

/**
 * A WebSocket door another module adds (e.g. SSH over WebSocket): same Origin, session and
 * authentication steps, then its entry of the door table decides, then `open` takes the socket.
 */
export interface UpgradeDoor {
  path: RegExp;
  door: Door;
  open(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    user: AuthenticatedUser,
    match: RegExpExecArray,
  ): Promise<void>;
}

/**
 * Every WebSocket upgrade passes here: the session is loaded, the Origin must be Berth's own
 * (no cross-site WebSocket hijacking), the user authenticated, then the terminal or the port
 * proxy takes the socket. Refusals are answered as HTTP problem documents before any upgrade.
 */
@Injectable()
export class UpgradeRouter {
  private readonly logger = new Logger(UpgradeRouter.name);
  private readonly problems = new ProblemFilter();
  private readonly doors: UpgradeDoor[] = [];

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly authenticator: RequestAuthenticator,
    private readonly terminal: TerminalGateway,
    private readonly apps: AppOriginProxy,
    private readonly audit: AuditService,
  ) {}

  addDoor(door: UpgradeDoor): void {
    this.doors.push(door);
  }

  async handle(req: IncomingMessage, socket: Duplex, head: Buffer, session: RequestHandler): Promise<void> {
    try {
      // An app origin's WebSockets (dev servers' hot reload) go to the app, with the app's own sign-in.
      const app = this.apps.addressOf(req);
      if (app) return await this.apps.ws(req, socket, head, app);
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const terminal = TERMINAL_PATH.exec(path);
      let added: { door: UpgradeDoor; match: RegExpExecArray } | undefined;
      for (const d of this.doors) {
        const match = d.path.exec(path);
        if (match) added ??= { door: d, match };
      }
      if (!terminal?.[1] && !added) throw new BerthError(ErrorCode.NotFound, 'no WebSocket here');
      assertAllowedOrigin(req.headers.origin, this.config);
      await new Promise<void>((resolve) => session(req as never, new ServerResponse(req) as never, () => resolve()));
      const user = await this.authenticator.authenticate(req);
      authorizeDoor(added ? added.door.door : DOORS['WS /api/v1/workspaces/:id/terminal'], user);
      if (!user) throw new BerthError(ErrorCode.Unauthenticated, 'sign in or send a bearer token');
      if (added) await added.door.open(req, socket, head, user, added.match);
      else if (terminal?.[1]) await this.terminal.open(req, socket, head, user, terminal[1]);
    } catch (error) {
      auditRefusal(this.audit, req, error);
      this.refuse(socket, error);
    }
  }

  private refuse(socket: Duplex, error: unknown): void {
    const problem = this.problems.toProblem(error);
    if (problem.status >= 500) this.logger.warn(`upgrade failed: ${problem.detail}`);
    const body = JSON.stringify(problem);
    socket.end(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? 'Error'}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  }
}
