/** Job contracts shared by producers (apps/api) and processors (apps/worker). */
export const WORKSPACE_QUEUE = 'workspace-lifecycle';

export interface WorkspaceJobData {
  buildId: string;
  workspaceId: string;
}

/** Deterministic, so enqueueing the same build twice is a no-op in BullMQ. */
export const workspaceJobId = (buildId: string): string => `build-${buildId}`;

/** Template version image builds (pull or Dockerfile build), one job per version. */
export const TEMPLATE_QUEUE = 'template-builds';

export interface TemplateJobData {
  versionId: string;
}

export const templateJobId = (versionId: string): string => `version-${versionId}`;

/** Snapshots of home volumes, one job per snapshot. */
export const SNAPSHOT_QUEUE = 'home-snapshots';

export interface SnapshotJobData {
  snapshotId: string;
}

export const snapshotJobId = (snapshotId: string): string => `snapshot-${snapshotId}`;

/**
 * The snapshot schedule's tick: one BullMQ job scheduler (whatever the number of workers or
 * workspaces) whose job finds the workspaces due for a scheduled snapshot.
 */
export const SNAPSHOT_SCHEDULE_QUEUE = 'snapshot-schedule';
export const snapshotScheduleJobSchedulerId = 'snapshot-schedule-tick';
