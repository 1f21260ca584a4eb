import { type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { waitFor } from '../wait-for.js';
import { startDaemon, terminate } from './run.js';

/** A redis-server of the test's own, in memory only (like the machine's), that a test may stop. */
export class PrivateRedis {
  private child: ChildProcess | null = null;

  constructor(
    private readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true });
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      this.dir,
    ];
    this.child = startDaemon('redis-server', args, path.join(this.dir, 'redis.log'));
    await waitFor(() => this.answers(), Boolean, `redis on port ${this.port}`, 30_000, 100);
  }

  /** Everything in it is lost, as with the machine's Redis, which keeps nothing on disk. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child) await terminate(this.child, signal);
    this.child = null;
  }

  async answers(): Promise<boolean> {
    const client = new Redis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 500,
    });
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }
}
