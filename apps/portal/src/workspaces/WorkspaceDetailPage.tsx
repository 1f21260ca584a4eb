import { SnapshotsPanel } from './SnapshotsPanel';
import { useState } from 'react';
import { api, ApiError, errorMessage } from '../api/client';
import type { Workspace } from '../api/contract';
import { Empty, ErrorBanner, Loading } from '../components/States';
import { StatusBadge } from '../components/StatusBadge';
import { formatDateTime, formatRelative } from '../lib/format';
import { Link, navigate } from '../lib/router';
import { useAsync } from '../lib/use-async';
import { useWorkspaceEvents } from '../lib/use-workspace-events';
import { TerminalTabs } from '../terminal/TerminalTabs';
import { runAction, TRANSITIONAL } from './actions';
import { BuildLog } from './BuildLog';
import { BuildTimeline } from './BuildTimeline';
import { DormancyNotice } from './DormancyNotice';
import { PortLinks } from './PortLinks';
import { statusPatch } from './status-patch';
import { useLatestBuild } from './use-latest-build';
import { useTemplates } from './use-templates';
import { WorkspaceActions } from './WorkspaceActions';
import { WorkspaceStats } from './WorkspaceStats';
import { ConnectPanel } from '../ssh/ConnectPanel';

export function WorkspaceDetailPage({ id }: { id: string }) {
  const ws = useAsync((signal) => api.get<Workspace>(`/workspaces/${encodeURIComponent(id)}`, signal), [id]);
  const templates = useTemplates();
  const latest = useLatestBuild(id);
  const [gone, setGone] = useState(false);
  const [retryError, setRetryError] = useState<string | null>(null);

  useWorkspaceEvents(ws.data ? id : null, {
    onStatus: (e) => {
      ws.setData((w) => w && { ...w, ...statusPatch(e) });
      latest.onStatus(!TRANSITIONAL.has(e.status));
    },
    onLog: latest.onLog,
    onGone: () => setGone(true),
  });

  if (gone || (ws.error && !ws.data)) {
    const notFound = gone || ws.error?.toLowerCase().includes('not found');
    return (
      <section aria-labelledby="page-title">
        <h1 id="page-title">{notFound ? 'Workspace deleted' : 'Workspace'}</h1>
        {notFound ? (
          <Empty>
            <p>This workspace no longer exists (or is not yours).</p>
            <Link className="button primary" href="/">
              Back to your workspaces
            </Link>
          </Empty>
        ) : (
          <ErrorBanner message={ws.error} onRetry={ws.reload} />
        )}
      </section>
    );
  }
  if (!ws.data) return <Loading label="Loading workspace…" />;

  const w = ws.data;
  const template = templates.byId.get(w.templateId);
  const build = latest.build;
  const failed = w.status === 'failed' || build?.status === 'failed';

  const retry = async () => {
    setRetryError(null);
    try {
      latest.adopt(await runAction(w.id, 'start'));
    } catch (e) {
      setRetryError(errorMessage(e));
    }
  };

  return (
    <section aria-labelledby="page-title" className="detail">
      <div className="page-head">
        <div>
          <p className="crumbs">
            <Link href="/">Workspaces</Link> /
          </p>
          <h1 id="page-title">
            {w.name} <StatusBadge status={w.status} />
          </h1>
          <p className="muted">
            {template?.name ?? 'archived template'} v{w.templateVersion}
            {w.outdated && <span className="tag update">update available</span>} · last activity{' '}
            <time dateTime={w.updatedAt} title={formatDateTime(w.updatedAt)}>
              {formatRelative(w.updatedAt)}
            </time>{' '}
            · created {formatDateTime(w.createdAt)}
          </p>
        </div>
      </div>
      <WorkspaceActions
        workspace={w}
        onDone={(action) => {
          if (action === 'delete') setTimeout(() => navigate('/'), 300);
          if (action === 'update') ws.setData((x) => x && { ...x, outdated: false });
          void latest.refresh();
        }}
      />
      <DormancyNotice workspace={w} />
      {w.status === 'failed' && w.lastError && (
        <div className="error-banner" role="alert">
          <span>
            <strong>Failed:</strong> {w.lastError}
          </span>
        </div>
      )}

      <div className="detail-grid">
        <section className="panel" aria-labelledby="progress-title">
          <h2 id="progress-title">{build ? `Latest ${build.kind}` : 'Progress'}</h2>
          {!latest.loaded && <Loading />}
          {latest.loaded && !build && <p className="muted">No transitions yet.</p>}
          {build && (
            <>
              <BuildTimeline build={build} liveStages={latest.liveStages} />
              {failed && build.error && (
                <div className="failure" role="alert">
                  <p>
                    <strong>Failed:</strong> {build.error}
                  </p>
                  <p className="muted small">Last log lines:</p>
                  <BuildLog lines={latest.lines} tail={15} label="Last log lines" />
                  <button
                    type="button"
                    className="primary"
                    onClick={() => void retry()}
                    disabled={w.status !== 'failed' && w.status !== 'stopped'}
                  >
                    Retry
                  </button>
                  {retryError && <p className="error">{retryError}</p>}
                </div>
              )}
            </>
          )}
        </section>
        <section className="panel" aria-labelledby="details-title">
          <h2 id="details-title">Details</h2>
          <dl className="facts">
            {w.status === 'running' && (
              <div className="wide">
                <dt>Resource use</dt>
                <dd>
                  <WorkspaceStats workspaceId={w.id} />
                </dd>
              </div>
            )}
            <div className="wide">
              <dt>Ports</dt>
              <dd>
                {w.status === 'running' ? (
                  <PortLinks workspace={w} templatePorts={template?.active?.spec.ports} />
                ) : (
                  <span className="muted">available while running</span>
                )}
                {w.status === 'running' && w.ports.length === 0 && !(template?.active?.spec.ports ?? []).length && (
                  <span className="muted">none</span>
                )}
              </dd>
            </div>
            {Object.keys(w.parameters ?? {}).length > 0 && (
              <div className="wide">
                <dt>Options</dt>
                <dd>
                  <code>{JSON.stringify(w.parameters)}</code>
                </dd>
              </div>
            )}
          </dl>
        </section>
      </div>

      <SnapshotsPanel workspace={w} />

      <section className="panel" aria-labelledby="log-title">
        <h2 id="log-title">Build log</h2>
        <BuildLog lines={latest.lines} />
      </section>

      <ConnectPanel workspaceId={w.id} workspaceName={w.name} running={w.status === 'running'} />

      <section className="panel" id="terminal" aria-labelledby="terminal-title">
        <h2 id="terminal-title">Terminal</h2>
        {w.status === 'running' ? (
          <TerminalTabs workspaceId={w.id} autoOpen={location.hash === '#terminal'} />
        ) : (
          <p className="muted">The terminal is available while the workspace is running.</p>
        )}
      </section>
    </section>
  );
}

export const isNotFound = (e: unknown): boolean => e instanceof ApiError && e.status === 404;
