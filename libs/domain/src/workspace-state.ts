/**
 * The workspace state machine (README "How it behaves"; docs/architecture.md). Pure rules, no I/O, so both
 * the API (deciding whether a request is allowed) and the worker (which statuses to walk through)
 * read the same table.
 */
export const WORKSPACE_STATUSES = [
  'pending',
  'starting',
  'running',
  'stopping',
  'stopped',
  'failed',
  'deleting',
  'deleted',
] as const;
export type WorkspaceStatus = (typeof WORKSPACE_STATUSES)[number];

export const TRANSITION_KINDS = ['start', 'stop', 'restart', 'rebuild', 'update', 'delete', 'restore'] as const;
export type TransitionKind = (typeof TRANSITION_KINDS)[number];

/** What a workspace should be doing; the reconciler compares the engine against it. */
export const DESIRED_STATES = ['running', 'stopped', 'deleted'] as const;
export type DesiredState = (typeof DESIRED_STATES)[number];

export interface TransitionRule {
  /** Statuses from which a user may request this transition. */
  readonly from: readonly WorkspaceStatus[];
  /** Status shown as soon as the request is accepted. */
  readonly requested: WorkspaceStatus;
  /** Status once the worker finished successfully (the worker takes it from here). */
  readonly success: DesiredState & WorkspaceStatus;
  /** What the workspace should be doing afterwards; the reconciler compares against this. */
  readonly desired: DesiredState;
}

const RULES: Record<TransitionKind, TransitionRule> = {
  // `pending` is the state of a brand-new workspace whose first start is queued.
  start: { from: ['pending', 'stopped', 'failed'], requested: 'starting', success: 'running', desired: 'running' },
  // A failed workspace may still have a container (e.g. a start script failed): stop cleans it up.
  stop: { from: ['running', 'failed'], requested: 'stopping', success: 'stopped', desired: 'stopped' },
  restart: { from: ['running'], requested: 'stopping', success: 'running', desired: 'running' },
  rebuild: { from: ['running', 'stopped', 'failed'], requested: 'stopping', success: 'running', desired: 'running' },
  // Rebuild onto the promoted template version (the API refuses it when already there).
  update: { from: ['running', 'stopped', 'failed'], requested: 'stopping', success: 'running', desired: 'running' },
  // Replaces the home with a snapshot (the current home snapshotted first), then starts it again.
  restore: { from: ['running', 'stopped', 'failed'], requested: 'stopping', success: 'running', desired: 'running' },
  delete: {
    from: ['pending', 'running', 'stopped', 'failed'],
    requested: 'deleting',
    success: 'deleted',
    desired: 'deleted',
  },
};

export function transitionRule(kind: TransitionKind): TransitionRule {
  return RULES[kind];
}

export function canRequest(kind: TransitionKind, status: WorkspaceStatus): boolean {
  return RULES[kind].from.includes(status);
}

/**
 * Statuses in which a transition is in flight: no other transition may start. `pending` is not
 * one: it is a new workspace whose first start waits in the queue (it may still be deleted).
 * The one definition of "transitional"; the portal takes it from here too.
 */
export const TRANSITIONAL_STATUSES = ['starting', 'stopping', 'deleting'] as const satisfies readonly WorkspaceStatus[];

/**
 * Statuses the worker moves on from by itself: a transition in flight, or a new workspace whose
 * first start is queued. Clients keep listening (the portal's spinners); the generated contract
 * carries this list (libs/contract/src/generated/openapi.ts, `settlingStatuses`).
 */
export const SETTLING_STATUSES = ['pending', ...TRANSITIONAL_STATUSES] as const satisfies readonly WorkspaceStatus[];

export function isTransitional(status: WorkspaceStatus): boolean {
  return (TRANSITIONAL_STATUSES as readonly WorkspaceStatus[]).includes(status);
}
