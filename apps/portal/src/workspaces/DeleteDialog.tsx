import { useState } from 'react';
import { api } from '../api/client';
import type { TrashList, Workspace } from '../api/contract';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { useAsync } from '../lib/use-async';

interface Props {
  workspace: Pick<Workspace, 'id' | 'name'>;
  busy: boolean;
  /** `purge`: delete the home volume for good now (the name was typed again). */
  onConfirm: (purge: boolean) => void;
  onCancel: () => void;
}

/** Days as people say them: "7 days", "12 hours". */
function describeDays(days: number): string {
  if (days >= 1) return `${Number(days.toFixed(2))} day${days === 1 ? '' : 's'}`;
  const hours = days * 24;
  return hours >= 1 ? `${Number(hours.toFixed(1))} hours` : `${Math.max(1, Math.round(hours * 60))} minutes`;
}

/**
 * Deleting moves the home volume to the trash for BERTH_TRASH_DAYS (the dialog says how long);
 * deleting it for good at once needs the workspace's name typed again.
 */
export function DeleteDialog({ workspace, busy, onConfirm, onCancel }: Props) {
  const trash = useAsync((signal) => api.get<TrashList>('/trash', signal), []);
  const [purge, setPurge] = useState(false);
  const [typed, setTyped] = useState('');
  const kept = trash.data ? describeDays(trash.data.trashDays) : null;
  const purgeReady = typed === workspace.name;
  return (
    <ConfirmDialog
      title={`Delete workspace “${workspace.name}”?`}
      confirmLabel={purge ? 'Delete workspace and home volume for good' : 'Delete workspace'}
      danger
      busy={busy || (purge && !purgeReady)}
      onConfirm={() => {
        if (!purge || purgeReady) onConfirm(purge);
      }}
      onCancel={onCancel}
    >
      <p>
        The container is removed at once. The home volume goes to the <strong>trash</strong>
        {kept ? (
          <>
            {' '}
            and is <strong data-trash-days>kept for {kept}</strong>
          </>
        ) : null}
        : restore the workspace, with its files, from <a href="/trash">Trash</a> until then.
      </p>
      <label className="checkbox">
        <input type="checkbox" checked={purge} onChange={(e) => setPurge(e.target.checked)} /> Delete the home volume
        for good now (cannot be undone)
      </label>
      {purge && (
        <>
          <label htmlFor="purge-confirm">
            Type <strong>{workspace.name}</strong> to confirm
          </label>
          <input
            id="purge-confirm"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
        </>
      )}
    </ConfirmDialog>
  );
}
