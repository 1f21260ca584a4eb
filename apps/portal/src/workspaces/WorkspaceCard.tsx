import type { Template, Workspace } from '../api/contract';
import { StatusBadge } from '../components/StatusBadge';
import { formatDateTime, formatRelative } from '../lib/format';
import { Link } from '../lib/router';
import { useWorkspaceEvents } from '../lib/use-workspace-events';
import type { WorkspaceAction } from './actions';
import { DormancyNotice } from './DormancyNotice';
import { PortLinks } from './PortLinks';
import { statusPatch } from './status-patch';
import { WorkspaceActions } from './WorkspaceActions';
import { WorkspaceStats } from './WorkspaceStats';
import { HomeUsage } from './HomeUsage';

interface Props {
  workspace: Workspace;
  template: Template | undefined;
  /** Whether this card holds a live event stream (browsers allow few connections per host). */
  live: boolean;
  showOwner?: string;
  onChange: (patch: Partial<Workspace>) => void;
  onAction: (action: WorkspaceAction) => void;
  onGone: () => void;
}

export function WorkspaceCard({ workspace: ws, template, live, showOwner, onChange, onAction, onGone }: Props) {
  useWorkspaceEvents(live ? ws.id : null, {
    onStatus: (e) => onChange(statusPatch(e)),
    onGone,
  });

  return (
    <article className="card workspace-card" aria-labelledby={`ws-${ws.id}`} data-workspace={ws.name}>
      <header className="card-head">
        <h2 id={`ws-${ws.id}`}>
          <Link href={`/workspaces/${ws.id}`}>{ws.name}</Link>
        </h2>
        <StatusBadge status={ws.status} />
      </header>
      <dl className="facts">
        <div>
          <dt>Template</dt>
          <dd>
            {template?.name ?? 'archived template'} v{ws.templateVersion}
            {ws.outdated && (
              <span className="tag update" title={`Version ${template?.activeVersion ?? 'newer'} is promoted`}>
                update available
              </span>
            )}
          </dd>
        </div>
        {showOwner && (
          <div>
            <dt>Owner</dt>
            <dd>{showOwner}</dd>
          </div>
        )}
        <div>
          <dt>Last activity</dt>
          <dd>
            <time dateTime={ws.updatedAt} title={formatDateTime(ws.updatedAt)}>
              {formatRelative(ws.updatedAt)}
            </time>
          </dd>
        </div>
        <div className="wide">
          <dt>Home</dt>
          <dd>
            <HomeUsage workspace={ws} />
          </dd>
        </div>
        {ws.status === 'running' && (
          <div className="wide">
            <dt>Resource use</dt>
            <dd>
              <WorkspaceStats workspaceId={ws.id} />
            </dd>
          </div>
        )}
      </dl>
      <DormancyNotice workspace={ws} />
      {ws.status === 'failed' && ws.lastError && (
        <p className="error last-error" role="note">
          <strong>Failed:</strong> {ws.lastError}
        </p>
      )}
      <PortLinks workspace={ws} templatePorts={template?.active?.spec.ports} />
      <footer className="card-foot">
        <WorkspaceActions workspace={ws} onDone={onAction} compact />
        {ws.status === 'running' && (
          <Link className="button primary" href={`/workspaces/${ws.id}#terminal`}>
            Open terminal
          </Link>
        )}
      </footer>
    </article>
  );
}
