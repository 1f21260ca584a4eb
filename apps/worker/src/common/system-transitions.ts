import { Injectable } from '@nestjs/common';
import { BerthError, transitionRule, type TransitionKind } from '#domain';
import {
  BuildsRepository,
  isUniqueViolation,
  type BuildRecord,
  type TransitionRequest,
  type WorkspaceRecord,
} from '#persistence';
import { WorkspaceJobsProducer } from '#queue';

/**
 * Transitions Berth asks for by itself (idle stop, retention delete): recorded with the reason
 * and enqueued like a user's. When a user's transition got there first, the workspace is no longer
 * in a state the rule allows, or it was used meanwhile (all re-checked under the row lock), nothing
 * is done.
 */
@Injectable()
export class SystemTransitions {
  constructor(
    private readonly builds: BuildsRepository,
    private readonly jobs: WorkspaceJobsProducer,
  ) {}

  /** The build, or null when the workspace moved on meanwhile. */
  async request(
    ws: WorkspaceRecord,
    kind: TransitionKind,
    reason: string,
    checks: Pick<TransitionRequest, 'allowedFrom' | 'dueForDeletionBy' | 'unusedSince'>,
  ): Promise<BuildRecord | null> {
    const rule = transitionRule(kind);
    let build: BuildRecord;
    try {
      build = await this.builds.createForTransition({
        workspaceId: ws.id,
        kind,
        templateVersion: ws.templateVersion,
        requestedById: null,
        requestedStatus: rule.requested,
        desiredState: rule.desired,
        reason,
        ...checks,
      });
    } catch (error) {
      if (isUniqueViolation(error) || error instanceof BerthError) return null;
      throw error;
    }
    // Should this fail (Redis away), the reaper enqueues the still-queued build again.
    await this.jobs.enqueue({ buildId: build.id, workspaceId: ws.id }).catch(() => undefined);
    return build;
  }
}
