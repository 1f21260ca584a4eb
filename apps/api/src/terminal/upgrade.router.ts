import { type IncomingMessage, ServerResponse, STATUS_CODES } from 'node:http';
import { type Duplex } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type RequestHandler } from 'express';
import { assertAllowedOrigin, RequestAuthenticator, type AuthenticatedUser } from '#auth';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { BerthError, ErrorCode } from '#domain';
import { ProblemFilter } from '../common/problem.filter.js';
import { PORT_PATH, PortProxyService } from '../proxy/port-proxy.service.js';
import { TerminalGateway } from './terminal.gateway.js';

const TERMINAL_PATH = /^\/api\/v1\/workspaces\/([0-9a-f-]{36})\/terminal$/;

/** A WebSocket door another module adds (e.g. SSH over WebSocket), reached after the same checks. */
export interface UpgradeDoor {
  path: RegExp;
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
    private readonly ports: PortProxyService,
  ) {}

  addDoor(door: UpgradeDoor): void {
    this.doors.push(door);
  }

  async handle(req: IncomingMessage, socket: Duplex, head: Buffer, session: RequestHandler): Promise<void> {
    try {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const terminal = TERMINAL_PATH.exec(path);
      let door: { door: UpgradeDoor; match: RegExpExecArray } | undefined;
      for (const d of this.doors) {
        const match = d.path.exec(path);
        if (match) door ??= { door: d, match };
      }
      if (!terminal && !door && !PORT_PATH.test(path)) throw new BerthError(ErrorCode.NotFound, 'no WebSocket here');
      assertAllowedOrigin(req.headers.origin, this.config);
      await new Promise<void>((resolve) => session(req as never, new ServerResponse(req) as never, () => resolve()));
      const user = await this.authenticator.authenticate(req);
      if (!user) throw new BerthError(ErrorCode.Unauthenticated, 'sign in or send a bearer token');
      if (terminal?.[1]) await this.terminal.open(req, socket, head, user, terminal[1]);
      else if (door) await door.door.open(req, socket, head, user, door.match);
      else await this.ports.ws(req, socket, head, user);
    } catch (error) {
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
