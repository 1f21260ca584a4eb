import { Agent, type ClientRequestArgs } from 'node:http';
import { Duplex } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { RUNTIME_DRIVER, type PortReach, type RuntimeDriver } from '#runtime';

/**
 * A connection the runtime opened to a workspace port (RuntimeDriver.connectToPort: a TCP socket,
 * or Berth's relay in an exec for the workspace's loopback), made to look enough like a TCP socket
 * for Node's HTTP client, its keep-alive pool and http-proxy's WebSocket pass-through.
 */
class PortSocket extends Duplex {
  private idleMs = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly inner: Duplex) {
    // Not half-open: once the port's side ends (the relay exited), the socket closes, so a pooling
    // agent drops it instead of handing a dead connection to the next request.
    super({ allowHalfOpen: false });
    inner.on('data', (chunk: Buffer) => {
      this.touch();
      if (!this.push(chunk)) inner.pause();
    });
    inner.on('end', () => this.push(null));
    inner.on('error', (error: Error) => this.destroy(error));
  }

  override _read(): void {
    this.inner.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.touch();
    this.inner.write(chunk, encoding, done);
  }

  override _final(done: () => void): void {
    this.inner.end();
    done();
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    clearTimeout(this.idleTimer);
    this.inner.destroy();
    done(error);
  }

  /** As net.Socket: 'timeout' after this long without traffic (an agent closes idle pooled sockets so). */
  setTimeout(ms: number, listener?: () => void): this {
    this.idleMs = ms;
    if (listener) this.once('timeout', listener);
    this.touch();
    return this;
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    if (this.idleMs > 0 && !this.destroyed) {
      this.idleTimer = setTimeout(() => this.emit('timeout'), this.idleMs);
      this.idleTimer.unref();
    }
  }

  // What the HTTP client and the proxy call on a socket; a relayed stream has no such knobs.
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

/**
 * An http.Agent whose connections are the ones the runtime opens (RuntimeDriver.connectToPort):
 * the proxy never dials an address of its own, so it works for any engine. Without keep-alive
 * (a published app port) one agent serves one request; with it (the editor) the agent pools.
 */
export class WorkspacePortAgent extends Agent {
  constructor(
    private readonly open: () => Promise<Duplex>,
    options: { keepAlive: boolean } = { keepAlive: false },
  ) {
    // Pooled: idle connections close before code-server's own 5 s keep-alive ends them, so a
    // request is not sent on a connection the far side is closing.
    super(options.keepAlive ? { keepAlive: true, maxSockets: 16, maxFreeSockets: 6, timeout: 3_000 } : {});
  }

  // Node's Agent waits for the callback when nothing is returned (as docker-modem over SSH does).
  override createConnection(
    _options: ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    this.open().then(
      (stream) => callback?.(null, new PortSocket(stream)),
      (error: unknown) => callback?.(error instanceof Error ? error : new Error(String(error)), undefined as never),
    );
    return undefined;
  }
}

/**
 * Pooled agents for ports on a workspace's own loopback, which nothing publishes (the editor):
 * one keep-alive agent per workspace and port, so a page's many requests reuse a few relays
 * instead of starting a process each.
 */
@Injectable()
export class WorkspacePortAgents {
  private readonly agents = new Map<string, WorkspacePortAgent>();

  constructor(@Inject(RUNTIME_DRIVER) private readonly runtime: RuntimeDriver) {}

  /** A fresh agent per request for a published port, a pooled one for the loopback. */
  agentFor(workspaceId: string, port: number, reach: PortReach): WorkspacePortAgent {
    const open = (): Promise<Duplex> => this.runtime.connectToPort(workspaceId, port, { reach });
    if (reach === 'published') return new WorkspacePortAgent(open);
    const key = `${workspaceId}:${port}`;
    let agent = this.agents.get(key);
    if (!agent) {
      agent = new WorkspacePortAgent(open, { keepAlive: true });
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** Drops the pooled connections of a workspace (its editor restarts). */
  forget(workspaceId: string): void {
    for (const [key, agent] of this.agents) {
      if (key.startsWith(`${workspaceId}:`)) {
        agent.destroy();
        this.agents.delete(key);
      }
    }
  }
}
