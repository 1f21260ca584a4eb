import { useMemo, useState } from 'react';
import { api } from '../api/client';
import { workspaceStatusValues, type User, type Workspace } from '../api/contract';
import { Empty, ErrorBanner, Loading } from '../components/States';
import { StatusBadge } from '../components/StatusBadge';
import { formatDateTime } from '../lib/format';
import { Link } from '../lib/router';
import { useAsync } from '../lib/use-async';
import { useTemplates } from '../workspaces/use-templates';

/** Every status a listed workspace can have: deleted ones are not listed. */
const STATUSES = workspaceStatusValues.filter((s) => s !== 'deleted');

export function AllWorkspacesPage() {
  const list = useAsync((signal) => api.get<Workspace[]>('/workspaces', signal), []);
  const users = useAsync((signal) => api.get<User[]>('/users', signal), []);
  const templates = useTemplates();
  const [status, setStatus] = useState('');
  const [owner, setOwner] = useState('');
  const emails = useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u.email])), [users.data]);
  const shown = (list.data ?? []).filter(
    (w) => w.status !== 'deleted' && (!status || w.status === status) && (!owner || w.ownerId === owner),
  );

  return (
    <section aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">All workspaces</h1>
        <button type="button" onClick={list.reload}>
          Refresh
        </button>
      </div>
      <div className="filters" role="search">
        <div className="field">
          <label htmlFor="filter-status">Status</label>
          <select id="filter-status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-owner">Owner</label>
          <select id="filter-owner" value={owner} onChange={(e) => setOwner(e.target.value)}>
            <option value="">anyone</option>
            {(users.data ?? []).map((u) => (
              <option key={u.id} value={u.id}>
                {u.email}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorBanner message={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data && shown.length === 0 && <Empty>No workspaces match.</Empty>}
      {shown.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Owner</th>
                <th scope="col">Status</th>
                <th scope="col">Template</th>
                <th scope="col">Last activity</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((w) => (
                <tr key={w.id}>
                  <td>
                    <Link href={`/workspaces/${w.id}`}>{w.name}</Link>
                  </td>
                  <td>{emails.get(w.ownerId) ?? w.ownerId}</td>
                  <td>
                    <StatusBadge status={w.status} />
                    {w.status === 'failed' && w.lastError && <div className="error small">{w.lastError}</div>}
                  </td>
                  <td>
                    {templates.byId.get(w.templateId)?.name ?? 'archived'} v{w.templateVersion}{' '}
                    {w.outdated && <span className="tag update">update available</span>}
                  </td>
                  <td>{formatDateTime(w.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
