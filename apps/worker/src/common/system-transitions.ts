import { Injectable } from '@nestjs/common';
import { BerthError, type TransitionKind } from '#domain';
import { type BuildRecord, type TransitionRequest, type WorkspaceRecord } from '#persistence';
import { TransitionBuilder } from '#queue';

/**
 * Transitions Berth asks for by itself (idle stop, retention delete): built by the one
 * TransitionBuilder like a user's, with the reason (and audited as acted by the system). When a user's transition got there first, the workspace is no longer
 * in a state the rule allows, or it was used meanwhile (all re-checked under the row lock), nothing
 * is done.
 */
@Injectable()
export class SystemTransitions {
  constructor(private readonly builder: TransitionBuilder) {}

  /** The build, or null when the workspace moved on meanwhile. */
  async request(
    ws: WorkspaceRecord,
    kind: TransitionKind,
    reason: string,
    checks: Pick<TransitionRequest, 'allowedFrom' | 'dueForDeletionBy' | 'unusedSince'>,
  ): Promise<BuildRecord | null> {
    try {
      // Should the queue be away, the build stays queued and the reaper enqueues it again.
      return await this.builder.request({ workspace: ws, kind, by: { system: reason }, checks });
    } catch (error) {
      if (error instanceof BerthError) return null;
      throw error;
    }
  }
}
