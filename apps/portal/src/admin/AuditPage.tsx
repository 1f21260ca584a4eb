import { type FormEvent, useEffect, useState } from 'react';
import { api, errorMessage } from '../api/client';
import type { AuditEvent, AuditPage as Page, User } from '../api/contract';
import { Empty, ErrorBanner, Loading } from '../components/States';
import { formatDateTime } from '../lib/format';
import { useAsync } from '../lib/use-async';

interface Filters {
  actorId: string;
  action: string;
  targetId: string;
  outcome: string;
  since: string;
  until: string;
}
const EMPTY: Filters = { actorId: '', action: '', targetId: '', outcome: '', since: '', until: '' };
const LIMIT = 50;

function query(f: Filters, before: string | null): string {
  const q = new URLSearchParams({ limit: String(LIMIT) });
  if (f.actorId) q.set('actorId', f.actorId);
  if (f.action) q.set('action', f.action);
  if (f.targetId) q.set('targetId', f.targetId);
  if (f.outcome) q.set('outcome', f.outcome);
  // datetime-local is the user's local time; the API wants ISO 8601.
  if (f.since) q.set('since', new Date(f.since).toISOString());
  if (f.until) q.set('until', new Date(f.until).toISOString());
  if (before) q.set('before', before);
  return q.toString();
}

export function AuditPage() {
  const users = useAsync((signal) => api.get<User[]>('/users', signal), []);
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const load = async (f: Filters, before: string | null) => {
    setLoading(true);
    setError(null);
    try {
      const page = await api.get<Page>(`/audit?${query(f, before)}`);
      setEvents((cur) => (before ? [...cur, ...page.events] : page.events));
      setNext(page.nextBefore);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void load(filters, null);
  }, [filters]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFilters(draft);
  };
  const field = (key: keyof Filters) => ({
    value: draft[key],
    onChange: (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [key]: e.target.value })),
  });

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Audit log</h1>
      <form className="filters" role="search" onSubmit={submit} aria-label="Filter audit events">
        <div className="field">
          <label htmlFor="audit-actor">Who</label>
          <select id="audit-actor" {...field('actorId')}>
            <option value="">anyone</option>
            {(users.data ?? []).map((u) => (
              <option key={u.id} value={u.id}>
                {u.email}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <input id="audit-action" placeholder="workspaces.*" {...field('action')} />
        </div>
        <div className="field">
          <label htmlFor="audit-target">Target id</label>
          <input id="audit-target" {...field('targetId')} />
        </div>
        <div className="field">
          <label htmlFor="audit-outcome">Outcome</label>
          <select id="audit-outcome" {...field('outcome')}>
            <option value="">any</option>
            <option value="success">success</option>
            <option value="failure">failure</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-since">Since</label>
          <input id="audit-since" type="datetime-local" {...field('since')} />
        </div>
        <div className="field">
          <label htmlFor="audit-until">Until</label>
          <input id="audit-until" type="datetime-local" {...field('until')} />
        </div>
        <div className="form-actions">
          <button type="submit" className="primary">
            Apply
          </button>
          <button
            type="button"
            onClick={() => {
              setDraft(EMPTY);
              setFilters(EMPTY);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <ErrorBanner message={error} onRetry={() => void load(filters, null)} />
      {!loading && !error && events.length === 0 && <Empty>No events match.</Empty>}
      {events.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Outcome</th>
                <th scope="col">From</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id}>
                  <td>
                    <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                  </td>
                  <td>
                    {e.actorEmail ?? e.actorId ?? '—'} <span className="muted small">via {e.via}</span>
                  </td>
                  <td className="mono">{e.action}</td>
                  <td className="mono small">
                    {e.targetType ? `${e.targetType} ${e.targetId ?? ''}` : (e.targetId ?? '—')}
                  </td>
                  <td>
                    <span className={e.outcome === 'failure' ? 'status status-failed' : 'status status-running'}>
                      {e.outcome}
                    </span>
                  </td>
                  <td className="mono small">{e.ip ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {loading && <Loading />}
      {next && !loading && (
        <p>
          <button type="button" onClick={() => void load(filters, next)}>
            Load older events
          </button>
        </p>
      )}
    </section>
  );
}
