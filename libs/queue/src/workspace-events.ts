import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { filter, Subject, type Observable } from 'rxjs';
import { BERTH_CONFIG, redisKey, type BerthConfig } from '#config';

/**
 * What the worker tells watchers of a workspace (the portal's SSE stream). Warnings ride on status
 * events: `idleStopAt` (an idle stop is coming), `dormantAt`/`deletesAt` (it became dormant, and
 * will be deleted then unless started; null: never).
 */
export type WorkspaceEvent =
  | {
      workspaceId: string;
      type: 'status';
      status: string;
      lastError: string | null;
      at: string;
      idleStopAt?: string;
      dormantAt?: string;
      deletesAt?: string | null;
    }
  | { workspaceId: string; type: 'log'; buildId: string; stream: string; lines: string[]; at: string };

type WithoutAt<T> = T extends unknown ? Omit<T, 'at'> : never;

const channelOf = (config: BerthConfig): string => redisKey(config, 'workspace-events');

/**
 * Redis pub/sub carries live events from the worker to every API process. Delivery is best
 * effort: Postgres stays the record, and a watcher that reconnects reads the state from there.
 */
@Injectable()
export class WorkspaceEventsPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger(WorkspaceEventsPublisher.name);
  private readonly redis: Redis;

  constructor(@Inject(BERTH_CONFIG) private readonly config: BerthConfig) {
    this.redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1 });
  }

  publish(event: WithoutAt<WorkspaceEvent>): void {
    this.redis
      .publish(channelOf(this.config), JSON.stringify({ ...event, at: new Date().toISOString() }))
      .catch((error: unknown) => {
        this.logger.debug(`event not published: ${error instanceof Error ? error.message : String(error)}`);
      });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}

@Injectable()
export class WorkspaceEventsSubscriber implements OnApplicationShutdown {
  private readonly events = new Subject<WorkspaceEvent>();
  private readonly redis: Redis;
  /** Resolves once Redis has confirmed the subscription: events published from then on arrive. */
  readonly ready: Promise<void>;

  constructor(@Inject(BERTH_CONFIG) config: BerthConfig) {
    // One subscription per API process, fanned out in memory to every open stream.
    this.redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
    this.ready = this.redis.subscribe(channelOf(config)).then(() => undefined);
    this.ready.catch(() => undefined);
    this.redis.on('message', (_channel: string, message: string) => {
      try {
        this.events.next(JSON.parse(message) as WorkspaceEvent);
      } catch {
        // not one of ours
      }
    });
  }

  forWorkspace(workspaceId: string): Observable<WorkspaceEvent> {
    return this.events.pipe(filter((e) => e.workspaceId === workspaceId));
  }

  async onApplicationShutdown(): Promise<void> {
    this.events.complete();
    await this.redis.quit().catch(() => undefined);
  }
}
