import { useState } from 'react';
import { errorMessage } from '../api/client';
import type { Workspace } from '../api/contract';
import { DeleteDialog } from './DeleteDialog';
import { allowedActions, runAction, type WorkspaceAction } from './actions';

const LABELS: Record<WorkspaceAction, string> = {
  start: 'Start',
  stop: 'Stop',
  restart: 'Restart',
  rebuild: 'Rebuild',
  update: 'Update',
  delete: 'Delete',
};
const HINTS: Record<WorkspaceAction, string> = {
  start: 'Start the workspace',
  stop: 'Stop the workspace (files in the home directory are kept)',
  restart: 'Recreate the container and start again',
  rebuild: "Recreate the container from the template's promoted version (home directory kept)",
  update: 'Move to the newest template version (home directory kept)',
  delete: 'Delete the workspace (its home volume goes to the trash)',
};
const ORDER: WorkspaceAction[] = ['start', 'stop', 'restart', 'rebuild', 'update', 'delete'];

interface Props {
  workspace: Workspace;
  onDone?: (action: WorkspaceAction) => void;
  compact?: boolean;
}

export function WorkspaceActions({ workspace, onDone, compact }: Props) {
  const [busy, setBusy] = useState<WorkspaceAction | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const allowed = allowedActions(workspace);

  const run = async (action: WorkspaceAction, purge?: { confirm: string }) => {
    setBusy(action);
    setError(null);
    try {
      await runAction(workspace.id, action, purge);
      onDone?.(action);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(null);
      setConfirming(false);
    }
  };

  return (
    <div className="actions-wrap">
      <div
        className={compact ? 'actions compact' : 'actions'}
        role="group"
        aria-label={`Actions for ${workspace.name}`}
      >
        {ORDER.filter((action) => action !== 'update' || workspace.outdated).map((action) => (
          <button
            key={action}
            type="button"
            className={action === 'delete' ? 'danger-outline' : action === 'update' ? 'primary-outline' : ''}
            disabled={!allowed.has(action) || busy !== null}
            title={HINTS[action]}
            onClick={() => (action === 'delete' ? setConfirming(true) : void run(action))}
          >
            {busy === action ? `${LABELS[action]}…` : LABELS[action]}
          </button>
        ))}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {confirming && (
        <DeleteDialog
          workspace={workspace}
          busy={busy === 'delete'}
          onConfirm={(purge) => void run('delete', purge ? { confirm: workspace.name } : undefined)}
          onCancel={() => setConfirming(false)}
        />
      )}
    </div>
  );
}
