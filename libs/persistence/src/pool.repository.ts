import { Injectable } from '@nestjs/common';
import {
  POOL_SLOT_STATES,
  type PoolSlotState,
  type PoolSummary,
  type ResolvedParameters,
  type TemplateVersion,
  type WorkspacePort,
} from '#domain';
import { toJsonInput, toTemplateVersion } from './mappers.js';
import { PrismaService } from './prisma.service.js';

/** A slot as the worker's pool keeper sees it. */
export interface PoolSlotRecord {
  id: string;
  templateId: string;
  templateVersion: number;
  parametersKey: string;
  state: PoolSlotState;
  createdAt: Date;
}

/** A version whose pool should hold slots now: promoted, its image ready, its template not archived. */
export interface PoolTarget {
  version: TemplateVersion;
  templateName: string;
}

/** Slots that are not workspaces (yet): what the reconciler and the volume inventory must leave alone. */
const UNCLAIMED: PoolSlotState[] = ['warming', 'ready', 'draining'];

/** The warm pool's rows (README "Warm pool"). Claiming is in pool-claim.ts, under an owner's quota lock. */
@Injectable()
export class PoolRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Sets a version's pool size (0 drains it). */
  async setSize(versionId: string, size: number): Promise<TemplateVersion> {
    return toTemplateVersion(
      await this.prisma.templateVersion.update({ where: { id: versionId }, data: { poolSize: size } }),
    );
  }

  /** Versions with a pool size that are the promoted version of a live template, with a ready image. */
  async targets(): Promise<PoolTarget[]> {
    const rows = await this.prisma.templateVersion.findMany({
      where: { poolSize: { gt: 0 }, status: 'ready', template: { archivedAt: null } },
      include: { template: { select: { name: true, activeVersion: true } } },
      orderBy: { createdAt: 'asc' },
    });
    return rows
      .filter((r) => r.version === r.template.activeVersion)
      .map(({ template, ...version }) => ({ version: toTemplateVersion(version), templateName: template.name }));
  }

  /** Every slot that is not a workspace: warming, ready or draining. */
  async unclaimed(): Promise<PoolSlotRecord[]> {
    const rows = await this.prisma.poolSlot.findMany({
      where: { state: { in: UNCLAIMED } },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map((r) => ({ ...r, state: asState(r.state) }));
  }

  async unclaimedIds(): Promise<Set<string>> {
    return new Set((await this.unclaimed()).map((s) => s.id));
  }

  /** A new slot, written before any engine object exists so the reconciler never sees them as orphans. */
  async insertWarming(slot: {
    id: string;
    templateId: string;
    templateVersion: number;
    parametersKey: string;
    parameters: ResolvedParameters;
  }): Promise<void> {
    await this.prisma.poolSlot.create({
      data: { ...slot, parameters: toJsonInput(slot.parameters), state: 'warming' },
    });
  }

  /** The slot's container runs: claimable from now on. False when it was drained meanwhile. */
  async markReady(id: string, ports: WorkspacePort[]): Promise<boolean> {
    const { count } = await this.prisma.poolSlot.updateMany({
      where: { id, state: 'warming' },
      data: { state: 'ready', ports: toJsonInput(ports), readyAt: new Date() },
    });
    return count === 1;
  }

  /**
   * Takes these slots away from claims (ready or warming → draining), atomically: a slot a request
   * claimed first is not returned, so a drain never removes a workspace's container or volume.
   */
  async takeForDrain(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      UPDATE "PoolSlot" SET state = 'draining'
      WHERE id = ANY(${ids}::uuid[]) AND state IN ('ready', 'warming', 'draining')
      RETURNING id::text AS id`;
    return rows.map((r) => r.id);
  }

  /** Forgets a drained slot once its objects are gone. */
  async remove(id: string): Promise<void> {
    await this.prisma.poolSlot.deleteMany({ where: { id, state: 'draining' } });
  }

  /** Per version with a pool size or with slots: the admin system page's pool section. */
  async summary(): Promise<PoolSummary[]> {
    const [versions, counts] = await Promise.all([
      this.prisma.templateVersion.findMany({
        where: { poolSize: { gt: 0 }, template: { archivedAt: null } },
        include: { template: { select: { name: true, activeVersion: true } } },
      }),
      this.prisma.poolSlot.groupBy({
        by: ['templateId', 'templateVersion', 'state'],
        where: { state: { in: UNCLAIMED } },
        _count: { _all: true },
      }),
    ]);
    const out = new Map<string, PoolSummary>();
    const key = (templateId: string, version: number) => `${templateId}/${version}`;
    for (const v of versions) {
      out.set(key(v.templateId, v.version), {
        templateId: v.templateId,
        templateName: v.template.name,
        version: v.version,
        size: v.poolSize,
        promoted: v.version === v.template.activeVersion,
        warming: 0,
        ready: 0,
        draining: 0,
      });
    }
    for (const c of counts) {
      const k = key(c.templateId, c.templateVersion);
      const entry = out.get(k) ?? {
        templateId: c.templateId,
        templateName: '',
        version: c.templateVersion,
        size: 0,
        promoted: false,
        warming: 0,
        ready: 0,
        draining: 0,
      };
      const state = asState(c.state);
      if (state !== 'claimed') entry[state] += c._count._all;
      out.set(k, entry);
    }
    return [...out.values()].sort((a, b) => a.templateName.localeCompare(b.templateName) || a.version - b.version);
  }
}

function asState(value: string): PoolSlotState {
  return (POOL_SLOT_STATES as readonly string[]).includes(value) ? (value as PoolSlotState) : 'draining';
}
