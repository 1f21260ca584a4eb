import { type Server } from 'node:http';
import { type Socket } from 'node:net';
import { Global, Inject, Injectable, Logger, Module, type BeforeApplicationShutdown } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { liveConnections } from '#metrics';
import { sleep } from '#common';

/**
 * The API's graceful shutdown. Long-lived streams (SSE, terminals) would keep the HTTP server from
 * ever closing, so on SIGTERM they are told the server is going away and ended; the server stops
 * accepting, requests in flight finish (up to BERTH_SHUTDOWN_GRACE_MS) and anything left is cut.
 * Runs in beforeApplicationShutdown, while the database and Redis are still connected (they close
 * in onApplicationShutdown).
 */
@Injectable()
export class LiveConnections implements BeforeApplicationShutdown {
  private readonly logger = new Logger(LiveConnections.name);
  private readonly streams = new Set<() => void>();
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;

  constructor(@Inject(BERTH_CONFIG) private readonly config: BerthConfig) {}

  /** Called once the server listens. Upgraded sockets (WebSockets) are tracked too. */
  track(server: Server): void {
    this.server = server;
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /**
   * Registers a stream's "server is going away" closer; returns the function that unregisters it.
   * `kind` feeds the open-connections gauge (berth_live_connections).
   */
  add(close: () => void, kind: 'sse' | 'websocket'): () => void {
    this.streams.add(close);
    liveConnections.inc({ kind });
    let open = true;
    return () => {
      if (open) liveConnections.dec({ kind });
      open = false;
      return this.streams.delete(close);
    };
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.logger.log(
      `shutting down: ending ${this.streams.size} live stream(s), draining ${this.sockets.size} connection(s)`,
    );
    // A shutdown hook that never settles would leave a process that ignores SIGTERM until it is
    // killed; past the grace period and a margin, say so and exit (a supervisor restarts it).
    const margin = 10_000;
    setTimeout(() => {
      this.logger.error(`shutdown did not finish within ${this.config.BERTH_SHUTDOWN_GRACE_MS + margin} ms; exiting`);
      process.exit(1);
    }, this.config.BERTH_SHUTDOWN_GRACE_MS + margin).unref();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const close of [...this.streams]) close();
    server.closeIdleConnections();
    await Promise.race([closed, sleep(this.config.BERTH_SHUTDOWN_GRACE_MS)]);
    for (const socket of this.sockets) socket.destroy();
    this.logger.log('connections drained; closing the database and Redis');
  }
}

@Global()
@Module({ providers: [LiveConnections], exports: [LiveConnections] })
export class LiveConnectionsModule {}
