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
  constructor(private readonly proc: InteractiveExec) {
    super();
    proc.stdout.on('data', (chunk: Buffer) => {
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
    this.proc.stdin.write(chunk, encoding, done);
  }

  override _final(done: () => void): void {
    this.proc.stdin.end();
    done();
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    this.proc.close();
    done(error);
  }

  // What the HTTP client and the proxy call on a socket; an exec stream has no such knobs.
  setTimeout(): this {
    return this;
  }
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
      agent = new Agent({ keepAlive: true, maxSockets: 16, maxFreeSockets: 6 });
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
