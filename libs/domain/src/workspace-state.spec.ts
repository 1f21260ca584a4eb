import {
  canRequest,
  isTransitional,
  transitionRule,
  TRANSITION_KINDS,
  WORKSPACE_STATUSES,
  type TransitionKind,
  type WorkspaceStatus,
} from './workspace-state.js';

describe('workspace state machine', () => {
  const allowed: Record<TransitionKind, WorkspaceStatus[]> = {
    start: ['pending', 'stopped', 'failed'],
    stop: ['running', 'failed'],
    restart: ['running'],
    rebuild: ['running', 'stopped', 'failed'],
    update: ['running', 'stopped', 'failed'],
    delete: ['pending', 'running', 'stopped', 'failed'],
    restore: ['running', 'stopped', 'failed'],
  };

  for (const kind of TRANSITION_KINDS) {
    for (const status of WORKSPACE_STATUSES) {
      const expected = allowed[kind].includes(status);
      it(`${expected ? 'allows' : 'refuses'} ${kind} from ${status}`, () => {
        expect(canRequest(kind, status)).toBe(expected);
      });
    }
  }

  it('never allows a transition while another is in flight or after deletion', () => {
    for (const status of ['starting', 'stopping', 'deleting', 'deleted'] as const) {
      expect(TRANSITION_KINDS.filter((kind) => canRequest(kind, status))).toEqual([]);
    }
    expect(WORKSPACE_STATUSES.filter(isTransitional)).toEqual(['starting', 'stopping', 'deleting']);
  });

  it('names where each transition lands and what it wants', () => {
    expect(
      TRANSITION_KINDS.map((k) => [
        k,
        transitionRule(k).requested,
        transitionRule(k).success,
        transitionRule(k).desired,
      ]),
    ).toEqual([
      ['start', 'starting', 'running', 'running'],
      ['stop', 'stopping', 'stopped', 'stopped'],
      ['restart', 'stopping', 'running', 'running'],
      ['rebuild', 'stopping', 'running', 'running'],
      ['update', 'stopping', 'running', 'running'],
      ['delete', 'deleting', 'deleted', 'deleted'],
      ['restore', 'stopping', 'running', 'running'],
    ]);
  });
});
