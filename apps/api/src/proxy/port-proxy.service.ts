import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Duplex } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import httpProxy from 'http-proxy';
import { type AuthenticatedUser } from '#auth';
import { BerthError, ErrorCode, notFound } from '#domain';
import { WorkspaceAccessService } from '../terminal/workspace-access.service.js';

/** `/w/<workspaceId>/ports/<port>/<rest>`: the prefix is stripped, the rest of the path kept. */
export const PORT_PATH = /^\/w\/([0-9a-f-]{36})\/ports\/(\d{1,5})(\/.*)?$/;

/**
 * Authenticated reverse proxy to a workspace's published port (on 127.0.0.1), for HTTP and
 * WebSocket. The app sees its own paths (`X-Forwarded-Prefix` tells it where it is mounted).
 */
@Injectable()
export class PortProxyService {
  private readonly logger = new Logger(PortProxyService.name);
  private readonly proxy = httpProxy.createProxyServer({ ws: true, xfwd: true, proxyTimeout: 120_000 });

  constructor(private readonly access: WorkspaceAccessService) {
    this.proxy.on('error', (error, _req, res) => {
      this.logger.warn(`proxy error: ${error.message}`);
      if (res && 'writeHead' in res && !res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/problem+json' });
        res.end(
          JSON.stringify({
            type: 'urn:berth:problem:runtime_failure',
            title: 'Bad Gateway',
            status: 502,
            detail: 'the app in the workspace did not answer',
          }),
        );
      } else if (res && 'destroy' in res) {
        res.destroy();
      }
    });
  }

  async web(req: IncomingMessage, res: ServerResponse, user: AuthenticatedUser): Promise<void> {
    const { target, path, prefix } = await this.resolve(req, user);
    req.url = path;
    req.headers['x-forwarded-prefix'] = prefix;
    this.proxy.web(req, res, { target });
  }

  async ws(req: IncomingMessage, socket: Duplex, head: Buffer, user: AuthenticatedUser): Promise<void> {
    const { target, path, prefix } = await this.resolve(req, user);
    req.url = path;
    req.headers['x-forwarded-prefix'] = prefix;
    this.proxy.ws(req, socket, head, { target });
  }

  private async resolve(
    req: IncomingMessage,
    user: AuthenticatedUser,
  ): Promise<{ target: string; path: string; prefix: string }> {
    const match = PORT_PATH.exec(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (!match?.[1] || !match[2]) throw notFound('route');
    const target = await this.access.runningTarget(user, match[1]);
    this.access.recordActivity(target.workspaceId);
    const port = Number(match[2]);
    const published = target.ports.find((p) => p.port === port);
    if (!published) throw new BerthError(ErrorCode.NotFound, `the template publishes no port ${port}`);
    const query = req.url?.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
    return {
      target: `http://127.0.0.1:${published.hostPort}`,
      path: `${match[3] ?? '/'}${query}`,
      prefix: `/w/${match[1]}/ports/${port}`,
    };
  }
}
