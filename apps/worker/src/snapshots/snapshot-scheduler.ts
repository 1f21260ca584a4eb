import { Inject, Injectable, Logger } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { snapshotDue, snapshotStorageFull, type SnapshotSchedule } from '#domain';
import {
  AuditRepository,
  SnapshotsRepository,
  TemplatesRepository,
  UsersRepository,
  type AuditEntry,
  type ScheduleCandidate,
  type WorkspaceRecord,
} from '#persistence';
import { SnapshotJobsProducer } from '#queue';
import { SNAPSHOT_STORE, type SnapshotStore } from '#runtime';
import { VersionSpecs } from '../common/version-specs.js';

/**
 * The snapshot schedule (a template version's `snapshots: { schedule, keep }`): on each tick of
 * the one BullMQ job scheduler, every live workspace whose version has a schedule is judged by
 * `snapshotDue` (libs/domain). A due one gets a `scheduled` snapshot row and an ordinary snapshot
 * job (SnapshotService writes it); a full snapshot storage fails that row with the quota's reason
 * and touches nothing else. Then only the newest `keep` ready scheduled snapshots are kept:
 * manual and before-restore ones are never pruned here. Each request, refusal and prune is audited.
 */
@Injectable()
export class SnapshotScheduler {
  private readonly logger = new Logger(SnapshotScheduler.name);

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    @Inject(SNAPSHOT_STORE) private readonly store: SnapshotStore,
    private readonly snapshots: SnapshotsRepository,
    private readonly templates: TemplatesRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditRepository,
    private readonly jobs: SnapshotJobsProducer,
  ) {}

  async tick(now = new Date()): Promise<void> {
    const specs = new VersionSpecs(this.templates);
    for (const candidate of await this.snapshots.scheduleCandidates()) {
      const ws = candidate.workspace;
      const schedule = (await specs.of(ws.templateId, ws.templateVersion))?.snapshots;
      if (!schedule) continue;
      try {
        await this.prune(ws, schedule);
        if (snapshotDue(schedule, scheduleState(candidate), now)) await this.request(candidate, schedule);
      } catch (error) {
        // One workspace (a store or database hiccup) must not hold up the others; next tick tries again.
        this.logger.warn(
          `snapshot schedule of workspace ${ws.id}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }

  private async request({ workspace: ws, lastScheduledAt }: ScheduleCandidate, schedule: SnapshotSchedule) {
    const snapshot = await this.snapshots.createScheduled(ws, lastScheduledAt);
    if (!snapshot) return; // another worker's tick took it
    const owner = await this.users.findById(ws.ownerId);
    const limitMb = owner?.quotaMaxSnapshotMb ?? this.config.BERTH_QUOTA_SNAPSHOT_MB;
    const full = snapshotStorageFull(await this.snapshots.usageBytes(ws.ownerId), limitMb);
    if (full) {
      const reason = `scheduled snapshot not taken: ${full.message}`;
      await this.snapshots.markFailed(snapshot.id, reason);
      this.logger.warn(`workspace ${ws.id}: ${reason}`);
      return this.record('snapshots.scheduled', ws, 'failure', { snapshotId: snapshot.id, reason, ...schedule });
    }
    try {
      await this.jobs.enqueue({ snapshotId: snapshot.id });
    } catch (error) {
      await this.snapshots.markFailed(snapshot.id, `scheduled snapshot not taken: ${(error as Error).message}`);
      throw error;
    }
    await this.record('snapshots.scheduled', ws, 'success', { snapshotId: snapshot.id, ...schedule });
  }

  /** Deletes the stored archive first: a row left behind by a crash is pruned again next tick. */
  private async prune(ws: WorkspaceRecord, schedule: SnapshotSchedule): Promise<void> {
    const old = await this.snapshots.scheduledBeyond(ws.id, schedule.keep);
    if (old.length === 0) return;
    for (const s of old) {
      if (s.storeKey) await this.store.delete(s.storeKey);
      await this.snapshots.remove(s.id);
    }
    this.logger.log(`workspace ${ws.id}: pruned ${old.length} scheduled snapshot(s) beyond keep ${schedule.keep}`);
    await this.record('snapshots.pruned', ws, 'success', { snapshotIds: old.map((s) => s.id), keep: schedule.keep });
  }

  private record(
    action: string,
    ws: WorkspaceRecord,
    outcome: AuditEntry['outcome'],
    details: AuditEntry['details'],
  ): Promise<void> {
    return this.audit.append({
      actorId: null,
      actorEmail: null,
      via: 'system',
      tokenId: null,
      action,
      targetType: 'workspace',
      targetId: ws.id,
      ip: null,
      outcome,
      details: { ...details, ownerId: ws.ownerId, takenBy: 'schedule' },
    });
  }
}

function scheduleState(c: ScheduleCandidate) {
  const uses = [c.workspace.lastActivityAt, c.lastBuildFinishedAt].filter((d): d is Date => d !== null);
  return {
    status: c.workspace.status,
    createdAt: c.workspace.createdAt,
    lastScheduledAt: c.lastScheduledAt,
    lastUseAt: uses.length ? new Date(Math.max(...uses.map((d) => d.getTime()))) : null,
    inProgress: c.inProgress,
  };
}
