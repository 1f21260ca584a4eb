import { Injectable } from '@nestjs/common';
import { filter, fromEvent, map, merge, type Subscription, take, timer } from 'rxjs';
import { type AuthenticatedUser } from '#auth';
import { BerthError, decodeCursor, ErrorCode, type Page, pageOf, type WorkspaceStatus } from '#domain';
import { UsersRepository, WorkspacesRepository } from '#persistence';
import { WorkspaceEventsSubscriber } from '#queue';
import { DEFAULT_PAGE_LIMIT, wantsPage } from '../common/list-query.dto.js';
import { PortUrls } from './port-urls.service.js';
import { type ListWorkspacesQueryDto, WAIT_TIMEOUT_DEFAULT_S } from './workspace-queries.dto.js';
import { toWorkspaceView } from './workspace.views.js';
import { type WorkspaceView } from './workspaces.dto.js';
import { WorkspacesService } from './workspaces.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Statuses that end a wait whatever was asked for: nothing will move on by itself from there. */
const ENDS_A_WAIT = new Set<WorkspaceStatus>(['failed', 'deleted']);

/** Reads for scripts: filtered, paginated lists and `waitFor` (answered from workspace events). */
@Injectable()
export class WorkspaceQueriesService {
  constructor(
    private readonly workspaces: WorkspacesService,
    private readonly repository: WorkspacesRepository,
    private readonly users: UsersRepository,
    private readonly portUrls: PortUrls,
    private readonly events: WorkspaceEventsSubscriber,
  ) {}

  async list(user: AuthenticatedUser, q: ListWorkspacesQueryDto): Promise<WorkspaceView[] | Page<WorkspaceView>> {
    const limit = q.limit ?? DEFAULT_PAGE_LIMIT;
    const rows = await this.repository.listLivePage({
      ownerId: await this.ownerFilter(user, q.owner),
      status: q.status,
      templateId: q.templateId,
      after: q.cursor ? decodeCursor(q.cursor) : undefined,
      // The plain-array answer stays complete, as before: no page size is applied to it.
      limit: wantsPage(q) ? limit : undefined,
    });
    const active = await this.repository.activeVersions(rows.map((w) => w.templateId));
    const urls = await this.portUrls.for(rows);
    const views = (page: typeof rows): WorkspaceView[] =>
      page.map((w) => toWorkspaceView(w, active.get(w.templateId), urls(w)));
    return wantsPage(q) ? pageOf(rows, limit, views) : views(rows);
  }

  /**
   * The workspace once it has `target` (or failed), or as it is when `timeoutS` runs out or the
   * client goes away. Subscribed before the first read, so a change in between is not missed;
   * the answer is always read from Postgres (events are best effort and carry no full view).
   */
  async waitFor(
    user: AuthenticatedUser,
    id: string,
    target: WorkspaceStatus,
    timeoutS: number | undefined,
    clientGone: AbortSignal,
  ): Promise<WorkspaceView> {
    const done = (status: string): boolean => status === target || ENDS_A_WAIT.has(status as WorkspaceStatus);
    await this.events.ready.catch(() => undefined);
    let subscription: Subscription | undefined;
    const settled = new Promise<void>((resolve) => {
      subscription = merge(
        this.events.forWorkspace(id).pipe(filter((e) => e.type === 'status' && done(e.status))),
        timer((timeoutS ?? WAIT_TIMEOUT_DEFAULT_S) * 1000),
        fromEvent(clientGone, 'abort'),
      )
        .pipe(
          take(1),
          map(() => undefined),
        )
        .subscribe(() => resolve());
    });
    try {
      const current = await this.workspaces.get(user, id);
      if (done(current.status) || clientGone.aborted) return current;
      await settled;
      return await this.workspaces.get(user, id);
    } finally {
      subscription?.unsubscribe();
    }
  }

  /** Admins may filter by owner (id, email or `me`); anyone else sees only their own anyway. */
  private async ownerFilter(user: AuthenticatedUser, owner: string | undefined): Promise<string | null> {
    // `me`: the caller's own, also for an admin (names are unique per owner, so scripts find theirs).
    if (owner === 'me') return user.id;
    if (user.role !== 'admin') {
      if (owner !== undefined && owner !== user.id && owner.toLowerCase() !== user.email.toLowerCase())
        throw new BerthError(ErrorCode.Forbidden, 'only admins filter by owner', { field: 'owner' });
      return user.id;
    }
    if (owner === undefined) return null;
    const found = UUID.test(owner) ? await this.users.findById(owner) : await this.users.findByEmail(owner);
    // An unknown owner has no workspaces: an empty list, not an error.
    return found?.id ?? '00000000-0000-0000-0000-000000000000';
  }
}
