import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Observable, Subject } from 'rxjs';
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
  /** Open streams by workspace: an event is handed to its own watchers only, not tested by all. */
  private readonly watchers = new Map<string, Subject<WorkspaceEvent>>();
  private readonly redis: Redis;
  /** Resolves once Redis has confirmed the subscription: events published from then on arrive. */
  readonly ready: Promise<void>;

  constructor(@Inject(BERTH_CONFIG) config: BerthConfig) {
    // One subscription per API process, fanned out in memory to every open stream.
    this.redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
    this.ready = this.redis.subscribe(channelOf(config)).then(() => undefined);
    this.ready.catch(() => undefined);
    this.redis.on('message', (_channel: string, message: string) => {
      let event: WorkspaceEvent;
      try {
        event = JSON.parse(message) as WorkspaceEvent;
      } catch {
        return; // not one of ours
      }
      this.watchers.get(event.workspaceId)?.next(event);
    });
  }

  forWorkspace(workspaceId: string): Observable<WorkspaceEvent> {
    return new Observable<WorkspaceEvent>((subscriber) => {
      let subject = this.watchers.get(workspaceId);
      if (!subject) {
        subject = new Subject<WorkspaceEvent>();
        this.watchers.set(workspaceId, subject);
      }
      const own = subject;
      const subscription = own.subscribe(subscriber);
      return () => {
        subscription.unsubscribe();
        // The last watcher gone: forget the workspace, so the map holds only what is watched.
        if (!own.observed && this.watchers.get(workspaceId) === own) this.watchers.delete(workspaceId);
      };
    });
  }

  /** Workspaces with at least one open stream in this process (bounded by the open streams). */
  get watchedWorkspaces(): number {
    return this.watchers.size;
  }

  async onApplicationShutdown(): Promise<void> {
    for (const subject of this.watchers.values()) subject.complete();
    this.watchers.clear();
    await this.redis.quit().catch(() => undefined);
  }
}
