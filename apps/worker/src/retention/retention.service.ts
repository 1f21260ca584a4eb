import { Inject, Injectable, Logger } from '@nestjs/common';
import { PeriodicTask } from '../common/periodic-task.js';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { retentionDeleteReason, retentionStep, type RetentionPolicy } from '#domain';
import { TemplatesRepository, WorkspacesRepository, type RetentionCandidate, type WorkspaceRecord } from '#persistence';
import { WorkspaceEventsPublisher } from '#queue';
import { SystemTransitions } from '../common/system-transitions.js';
import { VersionSpecs } from '../common/version-specs.js';

/**
 * Retention (a template version's `retention`): a stopped workspace unused for `dormantAfterDays`
 * becomes dormant, with a warning event; with `deleteAfterDays`, a dormant one is deleted that
 * much later through the ordinary delete transition (the only way a volume is ever removed), after
 * a second warning when deletion is near. Starting it again (any transition) ends the dormancy.
 */
@Injectable()
export class RetentionService extends PeriodicTask {
  protected readonly logger = new Logger(RetentionService.name);
  /** Workspaces already warned that deletion is near (once per worker, like the idle warning). */
  private readonly warned = new Set<string>();

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly workspaces: WorkspacesRepository,
    private readonly templates: TemplatesRepository,
    private readonly transitions: SystemTransitions,
    private readonly events: WorkspaceEventsPublisher,
  ) {
    super();
  }

  protected intervalMs(): number {
    return this.config.BERTH_REAPER_INTERVAL_MS;
  }

  protected async pass(now = new Date()): Promise<void> {
    const specs = new VersionSpecs(this.templates);
    const nearDeletion = new Set<string>();
    for (const candidate of await this.workspaces.listStoppedForRetention()) {
      const ws = candidate.workspace;
      // A transition in flight decides what happens next; judge it again once it has finished.
      if (candidate.buildInFlight) continue;
      const policy = (await specs.of(ws.templateId, ws.templateVersion))?.retention;
      if (policy && (await this.check(candidate, policy, now))) nearDeletion.add(ws.id);
    }
    // Forget warnings of workspaces started, deleted or otherwise out of the window since.
    for (const id of this.warned) if (!nearDeletion.has(id)) this.warned.delete(id);
  }

  /** Applies one step of the rules; true while the workspace is in its deletion-warning window. */
  private async check(
    { workspace: ws, lastBuildFinishedAt }: RetentionCandidate,
    policy: RetentionPolicy,
    now: Date,
  ): Promise<boolean> {
    const lastUse = [ws.lastActivityAt, lastBuildFinishedAt].reduce<Date>((a, b) => (b && b > a ? b : a), ws.createdAt);
    const step = retentionStep(policy, { lastUse, dormantAt: ws.dormantAt, deletesAt: ws.deletesAt }, now);
    switch (step.kind) {
      case 'keep':
        return false;
      case 'make-dormant':
        if (await this.workspaces.markDormant(ws, step.dormantAt, step.deletesAt)) {
          const deletion = step.deletesAt ? `, to be deleted at ${step.deletesAt.toISOString()} unless started` : '';
          this.logger.log(`workspace ${ws.id} is dormant: unused since ${lastUse.toISOString()}${deletion}`);
          this.announce(ws, step.dormantAt, step.deletesAt);
        }
        return false;
      case 'warn-deletion':
        if (!this.warned.has(ws.id)) {
          this.warned.add(ws.id);
          this.logger.log(`workspace ${ws.id} will be deleted at ${step.deletesAt.toISOString()} unless started`);
          this.announce(ws, step.dormantAt, step.deletesAt);
        }
        return true;
      case 'delete':
        await this.delete(ws, retentionDeleteReason(policy, step.dormantAt), now);
        return false;
    }
  }

  private announce(ws: WorkspaceRecord, dormantAt: Date, deletesAt: Date | null): void {
    this.events.publish({
      workspaceId: ws.id,
      type: 'status',
      status: ws.status,
      lastError: ws.lastError,
      dormantAt: dormantAt.toISOString(),
      deletesAt: deletesAt?.toISOString() ?? null,
    });
  }

  private async delete(ws: WorkspaceRecord, reason: string, now: Date): Promise<void> {
    // Re-checked under the row lock: still stopped, and still dormant with deletion due (a start
    // that slipped in has cleared it), so a workspace in use is never deleted.
    if (!(await this.transitions.request(ws, 'delete', reason, { allowedFrom: ['stopped'], dueForDeletionBy: now })))
      return;
    this.warned.delete(ws.id);
    this.logger.log(`deleting workspace ${ws.id}: ${reason}`);
  }
}
