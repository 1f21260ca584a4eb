import { useEffect, useMemo, useState } from 'react';
import { api } from '../api/client';
import type { Workspace } from '../api/contract';
import { Empty, ErrorBanner, Loading } from '../components/States';
import { formatBytes } from '../lib/format';
import { useAsync } from '../lib/use-async';
import { Link } from '../lib/router';
import { TRANSITIONAL } from './actions';
import { useTemplates } from './use-templates';
import { WorkspaceCard } from './WorkspaceCard';

/**
 * Browsers allow about six HTTP/1.1 connections per host, and every live status is one SSE
 * connection: at most this many cards stream at once (those in transition first); the rest are
 * refreshed when the page regains focus or after an action on them.
 */
const MAX_LIVE = 4;

export function WorkspacesPage() {
  const list = useAsync((signal) => api.get<Workspace[]>('/workspaces', signal), []);
  // The user's homes together (the worker measures them; each card shows its own).
  const me = useAsync((signal) => api.get<{ quota?: { homeUsageBytes?: number } }>('/users/me', signal), []);
  const homeTotal = me.data?.quota?.homeUsageBytes;
  const templates = useTemplates();
  const [touched, setTouched] = useState<string[]>([]);

  const reloadList = list.reload;
  useEffect(() => {
    const refresh = () => {
      if (document.visibilityState === 'visible') reloadList();
    };
    document.addEventListener('visibilitychange', refresh);
    return () => document.removeEventListener('visibilitychange', refresh);
  }, [reloadList]);

  const workspaces = useMemo(
    () => (list.data ?? []).filter((w) => w.status !== 'deleted').sort((a, b) => a.name.localeCompare(b.name)),
    [list.data],
  );
  const live = useMemo(() => {
    const ranked = [...workspaces].sort((a, b) => rank(a, touched) - rank(b, touched));
    return new Set(ranked.slice(0, MAX_LIVE).map((w) => w.id));
  }, [workspaces, touched]);

  const patch = (id: string, p: Partial<Workspace>) =>
    list.setData((all) => all?.map((w) => (w.id === id ? { ...w, ...p } : w)));
  const remove = (id: string) => list.setData((all) => all?.filter((w) => w.id !== id));

  return (
    <section aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Your workspaces</h1>
        <Link className="button primary" href="/workspaces/new">
          New workspace
        </Link>
      </div>
      {homeTotal !== undefined && (
        <p className="muted" data-testid="home-total">
          Your home volumes use {formatBytes(homeTotal)} in total.
        </p>
      )}
      <ErrorBanner message={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading label="Loading workspaces…" />}
      {list.data && workspaces.length === 0 && (
        <Empty>
          <p>You have no workspaces yet.</p>
          <Link className="button primary" href="/workspaces/new">
            Create your first workspace
          </Link>
        </Empty>
      )}
      <div className="grid">
        {workspaces.map((ws) => (
          <WorkspaceCard
            key={ws.id}
            workspace={ws}
            template={templates.byId.get(ws.templateId)}
            live={live.has(ws.id)}
            onChange={(p) => patch(ws.id, p)}
            onGone={() => remove(ws.id)}
            onAction={(action) => {
              setTouched((t) => [ws.id, ...t.filter((x) => x !== ws.id)]);
              if (action === 'update') patch(ws.id, { outdated: false });
              if (!live.has(ws.id)) list.reload();
            }}
          />
        ))}
      </div>
    </section>
  );
}

function rank(w: Workspace, touched: string[]): number {
  const t = touched.indexOf(w.id);
  if (t >= 0) return t;
  if (TRANSITIONAL.has(w.status)) return 100;
  if (w.status === 'running') return 200;
  return 300;
}
