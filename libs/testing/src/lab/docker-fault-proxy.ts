import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { type Duplex } from 'node:stream';

type Rule = (method: string, path: string) => boolean;

/**
 * A Docker API proxy on a unix socket, in front of a real engine, that can hold chosen requests:
 * accepted, never forwarded, never answered. A worker pointed at it (DOCKER_HOST) can thus be
 * caught at an exact point (e.g. container created, `start` not yet sent) and killed there.
 * Everything else, including hijacked exec streams, passes through untouched.
 */
export class DockerFaultProxy {
  private readonly server: http.Server;
  private rule: Rule | null = null;
  private readonly held: { method: string; path: string; socket: Duplex }[] = [];
  private readonly waiters: (() => void)[] = [];
  /** Container id → name, for containers created through this proxy. */
  private readonly created = new Map<string, string>();

  constructor(
    readonly socket: string,
    private readonly upstream = '/var/run/docker.sock',
  ) {
    this.server = http.createServer((req, res) => this.forward(req, res));
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) =>
      this.tunnel(req, socket, head),
    );
  }

  get host(): string {
    return `unix://${this.socket}`;
  }

  async start(): Promise<void> {
    fs.rmSync(this.socket, { force: true });
    await new Promise<void>((resolve) => this.server.listen(this.socket, resolve));
  }

  /** From now on, requests matching `rule` are held. */
  hold(rule: Rule): void {
    this.rule = rule;
  }

  /** Holds the `start` of containers created (through this proxy) with a name matching `name`. */
  holdStartOf(name: RegExp): void {
    this.hold((method, path) => {
      const id = /\/containers\/([^/?]+)\/start(?:\?|$)/.exec(path)?.[1];
      return (
        method === 'POST' &&
        id !== undefined &&
        [...this.created].some(([createdId, createdName]) => createdId === id && name.test(createdName))
      );
    });
  }

  /** Resolves with the first held request (waiting for one if none is held yet). */
  async nextHeld(timeoutMs = 60_000): Promise<{ method: string; path: string }> {
    const deadline = Date.now() + timeoutMs;
    while (this.held.length === 0) {
      if (Date.now() > deadline) throw new Error('no Docker request was held');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
    const { method, path } = this.held[0]!;
    return { method, path };
  }

  /** Stops holding; held requests are cut off (their client sees the connection drop). */
  release(): void {
    this.rule = null;
    for (const { socket } of this.held.splice(0)) socket.destroy();
  }

  async close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private isHeld(req: http.IncomingMessage, socket: Duplex): boolean {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    if (!this.rule?.(method, path)) return false;
    this.held.push({ method, path, socket });
    for (const wake of this.waiters.splice(0)) wake();
    return true;
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.isHeld(req, req.socket)) return;
    const createdName =
      req.method === 'POST' ? /\/containers\/create\?(?:.*&)?name=([^&]+)/.exec(req.url ?? '')?.[1] : undefined;
    const upstream = http.request(
      { socketPath: this.upstream, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (createdName) this.remember(answer, decodeURIComponent(createdName));
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }

  private remember(answer: http.IncomingMessage, name: string): void {
    let body = '';
    answer.on('data', (chunk: Buffer) => (body += chunk.toString()));
    answer.on('end', () => {
      const id = (JSON.parse(body || '{}') as { Id?: string }).Id;
      if (id) this.created.set(id, name);
    });
  }

  /** Hijacked requests (exec, attach): replay the head to the engine, then splice the sockets. */
  private tunnel(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.isHeld(req, socket)) return;
    const engine = net.connect(this.upstream, () => {
      const headers = Object.entries(req.headers).flatMap(([k, v]) =>
        Array.isArray(v) ? v.map((x) => `${k}: ${x}`) : [`${k}: ${v ?? ''}`],
      );
      engine.write(`${req.method ?? 'POST'} ${req.url ?? '/'} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) engine.write(head);
      engine.pipe(socket);
      socket.pipe(engine);
    });
    engine.on('error', () => socket.destroy());
    socket.on('error', () => engine.destroy());
  }
}
