import { api, errorMessage, request } from '../api/client';
import type { SystemInfo } from '../api/contract';
import { ErrorBanner, Loading } from '../components/States';
import { formatNumber } from '../lib/format';
import { useAsync } from '../lib/use-async';
import { QueueJobs } from './QueueJobs';
import { WarmPoolPanel } from './WarmPoolPanel';

interface Readiness {
  status: string;
  info?: Record<string, { status: string; message?: string }>;
  error?: Record<string, { status: string; message?: string }>;
  details?: Record<string, { status: string; message?: string }>;
}

/** /readyz answers 503 with the same body when something is down: show it either way. */
async function readiness(): Promise<Readiness> {
  try {
    return await request<Readiness>('GET', '/readyz');
  } catch (e) {
    const body = (e as { body?: unknown }).body;
    if (body && typeof body === 'object') return body as Readiness;
    throw new Error(errorMessage(e));
  }
}

export function SystemPage() {
  const ready = useAsync(() => readiness(), []);
  const system = useAsync((signal) => api.get<SystemInfo>('/admin/system', signal), []);
  const checks = ready.data?.details ?? { ...ready.data?.info, ...ready.data?.error };

  return (
    <section aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">System health</h1>
        <button
          type="button"
          onClick={() => {
            ready.reload();
            system.reload();
          }}
        >
          Refresh
        </button>
      </div>
      <div className="detail-grid">
        <section className="panel" aria-labelledby="ready-title">
          <h2 id="ready-title">Readiness</h2>
          <ErrorBanner message={ready.error} onRetry={ready.reload} />
          {ready.loading && !ready.data && <Loading />}
          {ready.data && (
            <>
              <p>
                Overall:{' '}
                <span className={`status status-${ready.data.status === 'ok' ? 'running' : 'failed'}`}>
                  {ready.data.status}
                </span>
              </p>
              <ul className="checks">
                {Object.entries(checks).map(([name, c]) => (
                  <li key={name}>
                    <span className={`status status-${c.status === 'up' ? 'running' : 'failed'}`}>{c.status}</span>{' '}
                    {name}
                    {c.message && <span className="muted small"> — {c.message}</span>}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
        <section className="panel" aria-labelledby="runtime-title">
          <h2 id="runtime-title">Engine{system.data ? ` (${system.data.runtime.kind})` : ''}</h2>
          <ErrorBanner message={system.error} onRetry={system.reload} />
          {system.loading && !system.data && <Loading />}
          {system.data && (
            <dl className="facts">
              <div>
                <dt>Version</dt>
                <dd>{system.data.runtime.serverVersion}</dd>
              </div>
              <div>
                <dt>Containers running</dt>
                <dd>{formatNumber(system.data.runtime.containersRunning)}</dd>
              </div>
              <div>
                <dt>Images</dt>
                <dd>{formatNumber(system.data.runtime.images)}</dd>
              </div>
            </dl>
          )}
        </section>
      </div>
      {system.data && (
        <section className="panel" aria-labelledby="queues-title">
          <h2 id="queues-title">Queues</h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Queue</th>
                  <th scope="col">Waiting</th>
                  <th scope="col">Active</th>
                  <th scope="col">Delayed</th>
                  <th scope="col">Completed</th>
                  <th scope="col">Failed</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(system.data.queues).map(([name, q]) => (
                  <tr key={name}>
                    <td className="mono">{name}</td>
                    <td>{q.waiting}</td>
                    <td>{q.active}</td>
                    <td>{q.delayed}</td>
                    <td>{q.completed}</td>
                    <td className={q.failed > 0 ? 'error' : ''}>{q.failed}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      {system.data?.pool && <WarmPoolPanel pool={system.data.pool} />}
      {system.data && <QueueJobs queues={Object.keys(system.data.queues)} onChange={system.reload} />}
    </section>
  );
}
