import { Injectable, type MessageEvent } from '@nestjs/common';
import {
  concat,
  endWith,
  ignoreElements,
  interval,
  map,
  merge,
  type Observable,
  of,
  share,
  takeUntil,
  takeWhile,
} from 'rxjs';
import { type AuthenticatedUser } from '#auth';
import { WorkspaceEventsSubscriber } from '#queue';
import { WorkspacesService } from './workspaces.service.js';

const KEEPALIVE_MS = 15_000;

/** The SSE stream of one workspace: its current status first, then live status and log events. */
@Injectable()
export class WorkspaceEventsService {
  /** One timer for every open stream of this process, not one per stream. */
  private readonly keepalive = interval(KEEPALIVE_MS).pipe(
    map((): MessageEvent => ({ type: 'ping', data: '' })),
    share(),
  );

  constructor(
    private readonly workspaces: WorkspacesService,
    private readonly subscriber: WorkspaceEventsSubscriber,
  ) {}

  async stream(user: AuthenticatedUser, id: string): Promise<Observable<MessageEvent>> {
    // Ownership first: another user's workspace is a 404 before any stream opens.
    const current = await this.workspaces.get(user, id);
    const live = this.subscriber.forWorkspace(id).pipe(
      takeWhile((e) => !(e.type === 'status' && e.status === 'deleted'), true),
      map((e): MessageEvent => ({ type: e.type, data: e })),
      share(),
    );
    // The stream ends after `deleted`; the keepalive must end with it.
    const ended = live.pipe(ignoreElements(), endWith(true));
    const dormancy = current.dormantAt ? { dormantAt: current.dormantAt, deletesAt: current.deletesAt } : {};
    const snapshot = of<MessageEvent>({
      type: 'status',
      data: {
        workspaceId: id,
        type: 'status',
        status: current.status,
        lastError: current.lastError,
        at: current.updatedAt,
        ...dormancy,
      },
    });
    return merge(concat(snapshot, live), this.keepalive.pipe(takeUntil(ended)));
  }
}
