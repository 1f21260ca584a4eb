import { type IncomingMessage, ServerResponse, STATUS_CODES } from 'node:http';
import { type Duplex } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type RequestHandler } from 'express';
import { assertAllowedOrigin, authorizeDoor, RequestAuthenticator, type AuthenticatedUser, type Door } from '#auth';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { BerthError, ErrorCode } from '#domain';
import { ProblemFilter } from '../common/problem.filter.js';
import { AuditService } from '../audit/audit.service.js';
import { auditRefusal } from '../audit/refusals.js';

/**
 * A WebSocket door a feature module adds (the terminal, SSH over WebSocket): same Origin, session
 * and authentication steps, then its entry of the door table decides, then `open` takes the socket.
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
 * An upgrade taken whole by its Host (the app origins), before any of the steps below: the app
 * has its own sign-in. `take` resolves false when the request is not for this handler.
 */
export interface HostUpgradeHandler {
  take(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<boolean>;
}

/**
 * Every WebSocket upgrade passes here. An app origin's upgrade goes to the app (its handler is
 * asked first). Otherwise a door must match the path, the session is loaded, the Origin must be
 * Berth's own (no cross-site WebSocket hijacking), the user authenticated and the door's entry of
 * the door table satisfied, then the door takes the socket. Refusals are answered as HTTP problem
 * documents before any upgrade. Feature modules register here, so this file imports none of them.
 */
@Injectable()
export class UpgradeRouter {
  private readonly logger = new Logger(UpgradeRouter.name);
  private readonly problems = new ProblemFilter();
  private readonly doors: UpgradeDoor[] = [];
  private readonly hosts: HostUpgradeHandler[] = [];

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly authenticator: RequestAuthenticator,
    private readonly audit: AuditService,
  ) {}

  addDoor(door: UpgradeDoor): void {
    this.doors.push(door);
  }

  addHostHandler(handler: HostUpgradeHandler): void {
    this.hosts.push(handler);
  }

  async handle(req: IncomingMessage, socket: Duplex, head: Buffer, session: RequestHandler): Promise<void> {
    try {
      // An app origin's WebSockets (dev servers' hot reload) go to the app, with the app's own sign-in.
      for (const host of this.hosts) if (await host.take(req, socket, head)) return;
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      let added: { door: UpgradeDoor; match: RegExpExecArray } | undefined;
      for (const d of this.doors) {
        const match = d.path.exec(path);
        if (match) added ??= { door: d, match };
      }
      if (!added) throw new BerthError(ErrorCode.NotFound, 'no WebSocket here');
      assertAllowedOrigin(req.headers.origin, this.config);
      await new Promise<void>((resolve) => session(req as never, new ServerResponse(req) as never, () => resolve()));
      const user = await this.authenticator.authenticate(req);
      authorizeDoor(added.door.door, user);
      if (!user) throw new BerthError(ErrorCode.Unauthenticated, 'sign in or send a bearer token');
      await added.door.open(req, socket, head, user, added.match);
    } catch (error) {
      auditRefusal(this.audit, req, error);
      this.refuse(socket, error);
    }
  }

  private refuse(socket: Duplex, error: unknown): void {
    const problem = this.problems.toProblem(error);
    if (problem.status >= 500) this.logger.warn(`upgrade failed: ${problem.detail}`);
    const body = JSON.stringify(problem);
    const head = [
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? 'Error'}`,
      'content-type: application/problem+json',
      `content-length: ${Buffer.byteLength(body)}`,
      'connection: close',
    ];
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  }
}
