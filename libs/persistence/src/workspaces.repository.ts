import { Injectable } from '@nestjs/common';
import {
  type HomeLimitState,
  type PortShare,
  type ResolvedParameters,
  type WorkspacePort,
  type WorkspaceStatus,
} from '#domain';
import { PrismaService } from './prisma.service.js';
import { maybe, toWorkspace } from './mappers.js';
import { LATEST_FINISHED_BUILD } from './includes.js';
import { type WorkspaceRecord } from './records.js';

/** What a workspace's new row holds; it starts `pending`, desired `running`. */
export interface NewWorkspace {
  name: string;
  ownerId: string;
  templateId: string;
  templateVersion: number;
  parameters: ResolvedParameters;
}

/** The fields services change directly (transitions go through the transition builder). */
export type WorkspaceChanges = Partial<
  Pick<
    WorkspaceRecord,
    | 'status'
    | 'desiredState'
    | 'lastError'
    | 'ports'
    | 'templateVersion'
    | 'stopReason'
    | 'purgeRequestedAt'
    | 'dormantAt'
    | 'deletesAt'
    | 'initializedAt'
    | 'volumePreparedAt'
  >
>;

/** A stopped workspace as retention sees it (one query for all of them). */
export interface RetentionCandidate {
  workspace: WorkspaceRecord;
  /** When its latest build finished (for a stopped workspace: when it stopped). */
  lastBuildFinishedAt: Date | null;
  /** A transition is queued or running: retention leaves it alone this pass. */
  buildInFlight: boolean;
}

@Injectable()
export class WorkspacesRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(data: NewWorkspace): Promise<WorkspaceRecord> {
    return toWorkspace(
      await this.prisma.workspace.create({ data: { ...data, status: 'pending', desiredState: 'running' } }),
    );
  }

  /** A live (not deleted) workspace; `ownerId` restricts to that owner's (null: any owner). */
  async findLive(id: string, ownerId: string | null): Promise<WorkspaceRecord | null> {
    return maybe(toWorkspace)(
      await this.prisma.workspace.findFirst({ where: { id, deletedAt: null, ...(ownerId ? { ownerId } : {}) } }),
    );
  }

  /**
   * A live workspace with what its view needs (the template's promoted version, the owner's
   * e-mail), in one query: the read behind every GET /workspaces/:id.
   */
  async findLiveForView(
    id: string,
    ownerId: string | null,
  ): Promise<{ workspace: WorkspaceRecord; promotedVersion: number; ownerEmail: string } | null> {
    const row = await this.prisma.workspace.findFirst({
      where: { id, deletedAt: null, ...(ownerId ? { ownerId } : {}) },
      include: { template: { select: { activeVersion: true } }, owner: { select: { email: true } } },
    });
    if (!row) return null;
    const { template, owner, ...workspace } = row;
    return { workspace: toWorkspace(workspace), promotedVersion: template.activeVersion, ownerEmail: owner.email };
  }

  /** Live workspaces of that name, with their owner's e-mail (to resolve an app host). */
  async findLiveByName(name: string): Promise<(WorkspaceRecord & { owner: { email: string } })[]> {
    const rows = await this.prisma.workspace.findMany({
      where: { name, deletedAt: null },
      include: { owner: { select: { email: true } } },
      take: 50,
    });
    return rows.map(({ owner, ...row }) => ({ ...toWorkspace(row), owner }));
  }

  async setPortShare(id: string, port: number, share: PortShare): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const row = toWorkspace(await tx.workspace.findUniqueOrThrow({ where: { id } }));
      const shares = { ...row.portShares, [String(port)]: share };
      await tx.workspace.update({ where: { id }, data: { portShares: shares } });
    });
  }

  /** A live workspace by its name, which is unique per owner (the SSH gateway's user name). */
  async findLiveByOwnerAndName(ownerId: string, name: string): Promise<WorkspaceRecord | null> {
    return maybe(toWorkspace)(await this.prisma.workspace.findFirst({ where: { ownerId, name, deletedAt: null } }));
  }

  /** Live workspaces counted by status and template name (one grouped query; for metrics). */
  async countByStatusAndTemplate(): Promise<{ status: WorkspaceStatus; template: string; count: number }[]> {
    const groups = await this.prisma.workspace.groupBy({
      by: ['status', 'templateId'],
      where: { deletedAt: null },
      _count: { _all: true },
    });
    const templates = await this.prisma.template.findMany({
      where: { id: { in: [...new Set(groups.map((g) => g.templateId))] } },
      select: { id: true, name: true },
    });
    const names = new Map(templates.map((t) => [t.id, t.name]));
    return groups.map((g) => ({
      status: g.status,
      template: names.get(g.templateId) ?? g.templateId,
      count: g._count._all,
    }));
  }

  async listLive(ownerId: string | null): Promise<WorkspaceRecord[]> {
    const rows = await this.prisma.workspace.findMany({
      where: { deletedAt: null, ...(ownerId ? { ownerId } : {}) },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(toWorkspace);
  }

  /**
   * One page of live workspaces in (createdAt, id) order, after the cursor, with `limit + 1` rows
   * so the caller knows whether there is more. `ownerId` null: everyone's (admins).
   */
  async listLivePage(filter: {
    ownerId: string | null;
    status?: WorkspaceStatus;
    templateId?: string;
    after?: { createdAt: Date; id: string };
    /** Absent: every row (the unpaginated list). */
    limit?: number;
  }): Promise<WorkspaceRecord[]> {
    const { after } = filter;
    const rows = await this.prisma.workspace.findMany({
      where: {
        deletedAt: null,
        ...(filter.ownerId ? { ownerId: filter.ownerId } : {}),
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.templateId ? { templateId: filter.templateId } : {}),
        ...(after
          ? {
              OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }],
            }
          : {}),
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      ...(filter.limit === undefined ? {} : { take: filter.limit + 1 }),
    });
    return rows.map(toWorkspace);
  }

  async listLiveForTemplate(templateId: string): Promise<WorkspaceRecord[]> {
    const rows = await this.prisma.workspace.findMany({
      where: { templateId, deletedAt: null },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(toWorkspace);
  }

  /** Promoted version per template, for the `outdated` flag (one query for a whole list). */
  async activeVersions(templateIds: string[]): Promise<Map<string, number>> {
    const rows = await this.prisma.template.findMany({
      where: { id: { in: [...new Set(templateIds)] } },
      select: { id: true, activeVersion: true },
    });
    return new Map(rows.map((r) => [r.id, r.activeVersion]));
  }

  async findById(id: string): Promise<WorkspaceRecord | null> {
    return maybe(toWorkspace)(await this.prisma.workspace.findUnique({ where: { id } }));
  }

  async setStatus(id: string, status: WorkspaceStatus, lastError: string | null = null): Promise<void> {
    await this.prisma.workspace.update({ where: { id }, data: { status, lastError } });
  }

  /** One home volume measurement and where it stands against the template's limits. */
  async recordHomeUsage(id: string, bytes: number, limitState: HomeLimitState): Promise<void> {
    await this.prisma.workspace.update({
      where: { id },
      data: { homeUsageBytes: BigInt(bytes), homeUsageMeasuredAt: new Date(), homeLimitState: limitState },
    });
  }

  async update(id: string, changes: WorkspaceChanges): Promise<void> {
    const { ports, ...rest } = changes;
    await this.prisma.workspace.update({
      where: { id },
      data: { ...rest, ...(ports ? { ports: toJsonPorts(ports) } : {}) },
    });
  }

  /** Records use of the workspace; at most one write per `resolutionMs`, however busy it is. */
  async touchActivity(id: string, resolutionMs: number, now = new Date()): Promise<void> {
    await this.prisma.workspace.updateMany({
      where: { id, OR: [{ lastActivityAt: null }, { lastActivityAt: { lt: new Date(now.getTime() - resolutionMs) } }] },
      data: { lastActivityAt: now },
    });
  }

  /** Live stopped workspaces with what retention needs to judge them. */
  async listStoppedForRetention(): Promise<RetentionCandidate[]> {
    const rows = await this.prisma.workspace.findMany({
      where: { deletedAt: null, status: 'stopped' },
      include: {
        builds: LATEST_FINISHED_BUILD,
        _count: { select: { builds: { where: { status: { in: ['queued', 'running'] } } } } },
      },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(({ builds, _count, ...workspace }) => ({
      workspace: toWorkspace(workspace),
      lastBuildFinishedAt: builds[0]?.finishedAt ?? null,
      buildInFlight: _count.builds > 0,
    }));
  }

  /**
   * Marks a stopped workspace dormant, only if the row is still as `seen` (same updatedAt): a start,
   * stop or activity that slipped in since it was judged wins, and it is judged again next pass.
   * updatedAt itself is kept, because becoming dormant is not use (the portal shows it as such).
   */
  async markDormant(
    seen: Pick<WorkspaceRecord, 'id' | 'updatedAt'>,
    dormantAt: Date,
    deletesAt: Date | null,
  ): Promise<boolean> {
    const { count } = await this.prisma.workspace.updateMany({
      where: { id: seen.id, updatedAt: seen.updatedAt, status: 'stopped', dormantAt: null, deletedAt: null },
      data: { dormantAt, deletesAt, updatedAt: seen.updatedAt },
    });
    return count === 1;
  }

  /** Removes a workspace whose first start never reached the queue; nothing was created for it. */
  async removeNeverStarted(id: string): Promise<void> {
    await this.prisma.workspace.deleteMany({ where: { id, status: 'pending', volumePreparedAt: null } });
  }
}

/** Ports as the JSON column stores them (plain objects, nothing but the port's three fields). */
const toJsonPorts = (ports: readonly WorkspacePort[]): { port: number; name: string; hostPort: number }[] =>
  ports.map(({ port, name, hostPort }) => ({ port, name, hostPort }));
