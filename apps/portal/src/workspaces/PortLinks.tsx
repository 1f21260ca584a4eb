import { useState } from 'react';
import { api, errorMessage } from '../api/client';
import type { PortShare, Workspace, WorkspacePort } from '../api/contract';

const SHARE_LABELS: Record<PortShare, string> = {
  owner: 'Only me',
  authenticated: 'Signed-in users',
  public: 'Public',
};

/**
 * The ports of a running workspace, each on its own origin: a link through the ticket route
 * (which signs the browser in on that origin), the URL with a copy button, and who may open it.
 */
export function PortLinks({
  workspace,
  templatePorts,
}: {
  workspace: Workspace;
  templatePorts?: { port: number; name?: string }[];
}) {
  if (workspace.status !== 'running') return null;
  const ports: Partial<WorkspacePort>[] = workspace.ports.length > 0 ? workspace.ports : (templatePorts ?? []);
  if (ports.length === 0) return null;
  return (
    <ul className="ports" aria-label="Ports">
      {ports.map((p) => (
        <PortRow key={p.port} workspaceId={workspace.id} port={p} />
      ))}
    </ul>
  );
}

function PortRow({ workspaceId, port }: { workspaceId: string; port: Partial<WorkspacePort> }) {
  const [share, setShare] = useState<PortShare>(port.share ?? 'owner');
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const label = port.name ? `${port.name} (${port.port})` : `port ${port.port}`;
  const change = async (next: PortShare) => {
    setError(null);
    try {
      await api.patch(`/workspaces/${workspaceId}/ports/${port.port}`, { share: next });
      setShare(next);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <li>
      <a href={`/api/v1/workspaces/${workspaceId}/ports/${port.port}/open`} target="_blank" rel="noopener noreferrer">
        {label} ↗
      </a>
      {port.url && (
        <>
          {' '}
          <code>{port.url}</code>{' '}
          <button
            type="button"
            className="secondary"
            aria-label={`Copy the URL of ${label}`}
            onClick={() => void navigator.clipboard.writeText(port.url ?? '').then(() => setCopied(true))}
          >
            {copied ? 'Copied' : 'Copy'}
          </button>{' '}
          <select
            aria-label={`Who may open ${label}`}
            value={share}
            onChange={(e) => void change(e.target.value as PortShare)}
          >
            {(Object.keys(SHARE_LABELS) as PortShare[]).map((level) => (
              <option key={level} value={level}>
                {SHARE_LABELS[level]}
              </option>
            ))}
          </select>
        </>
      )}
      {error && (
        <span role="alert" className="error">
          {' '}
          {error}
        </span>
      )}
    </li>
  );
}
