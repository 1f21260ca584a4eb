import { Agent, type ClientRequestArgs } from 'node:http';
import { Duplex } from 'node:stream';
import { type Socket } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { type InteractiveExec, RUNTIME_DRIVER, type RuntimeDriver, tcpRelayCommand } from '#runtime';

/**
 * One connection to a port on a workspace's own loopback, carried by Berth's relay in an exec
 * (the same path as `ssh -L`): the process's stdout is what the port sends, its stdin what it gets.
 * Looks enough like a TCP socket for Node's HTTP client and http-proxy's WebSocket pass-through.
 */
class ExecSocket extends Duplex {
  private idleMs = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly proc: InteractiveExec) {
    // Not half-open: once the port's side ends (the relay exited), the socket closes, so the agent
    // drops it instead of handing a dead connection to the next request.
    super({ allowHalfOpen: false });
    proc.stdout.on('data', (chunk: Buffer) => {
      this.touch();
      if (!this.push(chunk)) proc.stdout.pause();
    });
    proc.stdout.on('end', () => this.push(null));
    proc.stdout.on('error', (error: Error) => this.destroy(error));
    proc.stderr.resume();
  }

  override _read(): void {
    this.proc.stdout.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.touch();
    this.proc.stdin.write(chunk, encoding, done);
  }

  override _final(done: () => void): void {
    this.proc.stdin.end();
    done();
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    clearTimeout(this.idleTimer);
    this.proc.close();
    done(error);
  }

  /** As net.Socket: 'timeout' after this long without traffic (the agent closes idle pooled sockets so). */
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

  // What the HTTP client and the proxy call on a socket; an exec stream has no such knobs.
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

type Ready = (error: Error | null, socket?: Socket) => void;

/**
 * HTTP agents that dial a port inside a workspace (the editor on its loopback, which nothing
 * publishes): one keep-alive agent per workspace and port, so a page's many requests reuse a few
 * relays instead of starting a process each.
 */
@Injectable()
export class WorkspacePortAgents {
  private readonly agents = new Map<string, Agent>();

  constructor(@Inject(RUNTIME_DRIVER) private readonly runtime: RuntimeDriver) {}

  agentFor(workspaceId: string, port: number, user: string): Agent {
    const key = `${workspaceId}:${port}:${user}`;
    let agent = this.agents.get(key);
    if (!agent) {
      // Idle pooled connections close before code-server's own 5 s keep-alive ends them, so a request
      // is not sent on a connection the far side is closing.
      agent = new Agent({ keepAlive: true, maxSockets: 16, maxFreeSockets: 6, timeout: 3_000 });
      // Node's Agent calls createConnection(options, callback) and waits for the callback when
      // nothing is returned (how docker-modem tunnels HTTP through SSH channels too).
      const dial = (_options: ClientRequestArgs, ready: Ready): undefined => {
        this.open(workspaceId, port, user).then(
          (socket) => ready(null, socket as unknown as Socket),
          (error: unknown) => ready(error instanceof Error ? error : new Error(String(error))),
        );
        return undefined;
      };
      Object.assign(agent, { createConnection: dial });
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** Drops the pooled connections of a workspace (it stopped, or its editor restarts). */
  forget(workspaceId: string): void {
    for (const [key, agent] of this.agents) {
      if (key.startsWith(`${workspaceId}:`)) {
        agent.destroy();
        this.agents.delete(key);
      }
    }
  }

  async open(workspaceId: string, port: number, user: string): Promise<Duplex> {
    const proc = await this.runtime.openExec(workspaceId, {
      cmd: tcpRelayCommand('127.0.0.1', port),
      user,
      workdir: '/',
      env: {},
      tty: null,
    });
    return new ExecSocket(proc);
  }
}
