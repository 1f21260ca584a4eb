import { Inject, Injectable, Logger } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import {
  applyParameters,
  chargesResources,
  checkQuota,
  parseTemplateSpec,
  quotaExceeded,
  quotaUsage,
  type JsonValue,
  type QuotaCost,
  type QuotaLimits,
  type QuotaUsage,
  type ResolvedParameters,
} from '#domain';
import {
  QuotasRepository,
  SnapshotsRepository,
  TemplatesRepository,
  TrashRepository,
  type QuotaScope,
  type UserRecord,
} from '#persistence';

/** A user's quota overrides as stored (null: the BERTH_QUOTA_* default applies). */
export type QuotaOverrides = Pick<
  UserRecord,
  'quotaMaxWorkspaces' | 'quotaMaxRunning' | 'quotaMaxCpus' | 'quotaMaxMemoryMb'
>;

export interface QuotaSummary {
  limits: QuotaLimits;
  /** Only the limits an admin set for this user; the others come from the configuration. */
  overrides: Partial<QuotaLimits>;
  usage: QuotaUsage;
  /** The user's home volumes together, as last measured (informational; limits are per template). */
  homeUsageBytes: number;
  /** Deleted workspaces whose volumes the trash still keeps: counted apart, never against maxWorkspaces. */
  trash: { workspaces: number; homeUsageBytes: number };
  /** Snapshot storage: compressed bytes of the user's ready snapshots, and the limit (an override or BERTH_QUOTA_SNAPSHOT_MB). */
  snapshots: { usedBytes: number; maxMb: number };
}

export interface QuotaAdmission {
  /** A new workspace is created. */
  addsWorkspace: boolean;
  /** The effective resources the workspace will run with. */
  starts: QuotaCost;
  /** The workspace being (re)started: if it is already charged, it is replaced rather than counted twice. */
  workspaceId?: string;
}

/**
 * Per-user quotas (README "Quotas"). A workspace costs its template version's `resources` (the
 * template's defaults) with the developer's parameters applied, exactly what the worker gives
 * the container; the owner of the workspace pays, whoever asked (an admin acting on a
 * developer's workspace is checked against the developer's quota).
 */
@Injectable()
export class QuotaService {
  private readonly logger = new Logger(QuotaService.name);

  constructor(
    private readonly quotas: QuotasRepository,
    private readonly templates: TemplatesRepository,
    private readonly trash: TrashRepository,
    private readonly snapshots: SnapshotsRepository,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  limitsFor(user: QuotaOverrides): QuotaLimits {
    return {
      maxWorkspaces: user.quotaMaxWorkspaces ?? this.config.BERTH_QUOTA_MAX_WORKSPACES,
      maxRunning: user.quotaMaxRunning ?? this.config.BERTH_QUOTA_MAX_RUNNING,
      maxCpus: user.quotaMaxCpus ?? this.config.BERTH_QUOTA_MAX_CPUS,
      maxMemoryMb: user.quotaMaxMemoryMb ?? this.config.BERTH_QUOTA_MAX_MEMORY_MB,
    };
  }

  async summary(user: UserRecord): Promise<QuotaSummary> {
    const overrides: Partial<QuotaLimits> = {};
    if (user.quotaMaxWorkspaces !== null) overrides.maxWorkspaces = user.quotaMaxWorkspaces;
    if (user.quotaMaxRunning !== null) overrides.maxRunning = user.quotaMaxRunning;
    if (user.quotaMaxCpus !== null) overrides.maxCpus = user.quotaMaxCpus;
    if (user.quotaMaxMemoryMb !== null) overrides.maxMemoryMb = user.quotaMaxMemoryMb;
    return {
      limits: this.limitsFor(user),
      overrides,
      usage: this.usageOf(await this.quotas.holdings(user.id)),
      homeUsageBytes: await this.quotas.homeUsageBytes(user.id),
      trash: await this.trash.usage(user.id).then((t) => ({ workspaces: t.count, homeUsageBytes: t.bytes })),
      snapshots: { usedBytes: await this.snapshots.usageBytes(user.id), maxMb: this.snapshotLimitMb(user) },
    };
  }

  snapshotLimitMb(user: Pick<UserRecord, 'quotaMaxSnapshotMb'> | null): number {
    return user?.quotaMaxSnapshotMb ?? this.config.BERTH_QUOTA_SNAPSHOT_MB;
  }

  /** What a workspace costs when it runs `templateVersion` (rebuild/update move it to the promoted one). */
  async costAt(
    workspace: { templateId: string; parameters: ResolvedParameters },
    templateVersion: number,
  ): Promise<QuotaCost> {
    return this.cost(
      (await this.templates.findVersion(workspace.templateId, templateVersion))?.spec ?? null,
      workspace.parameters,
    );
  }

  /** The cost of a spec (stored JSON) with resolved parameters applied. */
  cost(spec: JsonValue | null, parameters: ResolvedParameters): QuotaCost {
    if (spec === null) {
      // Versions are never deleted while a workspace uses them; if one were, do not block the owner over it.
      this.logger.warn('a workspace refers to a missing template version; charged nothing');
      return { cpus: 0, memoryMb: 0 };
    }
    const { resources } = applyParameters(parseTemplateSpec(spec), parameters);
    return { cpus: resources.cpus, memoryMb: resources.memoryMb };
  }

  /**
   * Checks the owner's quota and, when the request fits, runs `write` (the inserts) under the
   * owner's lock in the same transaction, so concurrent requests are counted one after the other.
   * Refused: a 403 quota_exceeded error, and nothing written.
   */
  async admit<T>(ownerId: string, request: QuotaAdmission, write: (scope: QuotaScope) => Promise<T>): Promise<T> {
    return this.quotas.withOwnerLock(ownerId, async (scope) => {
      const owner = await scope.owner();
      // The owner exists (workspaces reference it); a vanished row gets the defaults rather than a crash.
      const limits = this.limitsFor(
        owner ?? { quotaMaxWorkspaces: null, quotaMaxRunning: null, quotaMaxCpus: null, quotaMaxMemoryMb: null },
      );
      const holdings = await scope.holdings();
      const self = request.workspaceId === undefined ? undefined : holdings.find((h) => h.id === request.workspaceId);
      const replaces =
        self && chargesResources(self.status, self.desiredState) ? this.cost(self.spec, self.parameters) : undefined;
      const violation = checkQuota(limits, this.usageOf(holdings), {
        addsWorkspace: request.addsWorkspace,
        starts: request.starts,
        ...(replaces ? { replaces } : {}),
      });
      if (violation) throw quotaExceeded(violation);
      return write(scope);
    });
  }

  private usageOf(holdings: Awaited<ReturnType<QuotasRepository['holdings']>>): QuotaUsage {
    return quotaUsage(
      holdings.map((h) => ({
        status: h.status,
        desiredState: h.desiredState,
        cost: chargesResources(h.status, h.desiredState) ? this.cost(h.spec, h.parameters) : NO_COST,
      })),
    );
  }
}

const NO_COST: QuotaCost = { cpus: 0, memoryMb: 0 };
