import { useState } from 'react';
import { api, errorMessage } from '../api/client';
import { useAsync } from '../lib/use-async';

/** `GET /workspaces/:id/editor`: whether VS Code in the browser applies, or why not. */
export interface EditorStatus {
  available: boolean;
  reason: string | null;
}

/**
 * "Open in VS Code": starts code-server in the workspace (the first time takes a few seconds) and
 * opens it on its own origin in a new tab. Where the workspace cannot run it, the reason instead.
 */
export function OpenInEditor({ workspaceId, running }: { workspaceId: string; running: boolean }) {
  const path = `/workspaces/${encodeURIComponent(workspaceId)}/editor`;
  const status = useAsync(
    (signal) => (running ? api.get<EditorStatus>(path, signal) : Promise.resolve(null)),
    [path, running],
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (!running) return <p className="muted">VS Code in the browser is available while the workspace is running.</p>;
  if (status.error) return <p className="muted">{status.error}</p>;
  if (!status.data) return null;
  if (!status.data.available)
    return (
      <p className="muted" data-testid="editor-unavailable">
        No VS Code in the browser here: {status.data.reason}
      </p>
    );

  const open = async (): Promise<void> => {
    // Opened now, within the click, so no popup blocker stops it; pointed at the editor once the
    // API has started it and handed out the one-time ticket.
    const tab = window.open('about:blank', '_blank');
    setBusy(true);
    setError(null);
    try {
      const { url } = await api.post<{ url: string }>(path);
      if (tab) {
        tab.opener = null;
        tab.location.href = url;
      } else window.location.href = url;
    } catch (e) {
      tab?.close();
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <p>
      <button type="button" className="primary" disabled={busy} onClick={() => void open()}>
        {busy ? 'Starting VS Code…' : 'Open in VS Code'}
      </button>
      {error && (
        <span role="alert" className="error">
          {' '}
          {error}
        </span>
      )}
    </p>
  );
}
