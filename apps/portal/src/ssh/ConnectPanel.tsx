import { api } from '../api/client';
import type { SshSettings } from '../api/contract';
import { Link } from '../lib/router';
import { useAsync } from '../lib/use-async';
import { OpenInEditor } from './OpenInEditor';

/** The gateway listens on a wildcard address: show the host the portal was reached at. */
const displayHost = (host: string): string => (host === '0.0.0.0' || host === '::' ? window.location.hostname : host);

/**
 * How to reach this workspace from a terminal or an editor: VS Code in the browser (where the
 * image can run it), the ssh command and `berth config-ssh`.
 */
export function ConnectPanel({
  workspaceId,
  workspaceName,
  running,
}: {
  workspaceId: string;
  workspaceName: string;
  running: boolean;
}) {
  const settings = useAsync((signal) => api.get<SshSettings>('/users/me/ssh-settings', signal), []);
  const gateway = settings.data?.gateway;
  return (
    <section className="panel" id="connect" aria-labelledby="connect-title">
      <h2 id="connect-title">Connect</h2>
      <OpenInEditor workspaceId={workspaceId} running={running} />
      <p className="muted">
        With one of your <Link href="/ssh-keys">SSH keys</Link>:
      </p>
      {gateway ? (
        <pre aria-label="ssh command">
          <code>{`ssh -p ${gateway.port} ${workspaceName}@${displayHost(gateway.host)}`}</code>
        </pre>
      ) : (
        settings.data && <p className="muted">The SSH gateway is turned off on this server.</p>
      )}
      <p className="muted">VS Code Remote-SSH and JetBrains Gateway, through this server's HTTPS port only:</p>
      <pre aria-label="berth config-ssh command">
        <code>{`BERTH_URL=${window.location.origin} BERTH_TOKEN=<your token> npx berth config-ssh\nssh berth-${workspaceName}`}</code>
      </pre>
    </section>
  );
}
