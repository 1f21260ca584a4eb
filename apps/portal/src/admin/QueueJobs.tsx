import { useState } from 'react';
import { api, errorMessage } from '../api/client';
import type { QueueJob } from '../api/contract';
import { ErrorBanner, Loading } from '../components/States';
import { formatDateTime } from '../lib/format';
import { useAsync } from '../lib/use-async';

const STATES = ['failed', 'waiting', 'active', 'delayed', 'prioritized', 'completed'] as const;

/**
 * Jobs of one queue in one state, with their data and failure reasons; a failed job can be retried
 * and a job that is not running removed. Each action is audited by the API (queues.retry,
 * queues.remove).
 */
export function QueueJobs({ queues, onChange }: { queues: string[]; onChange: () => void }) {
  const [queue, setQueue] = useState(queues[0] ?? '');
  const [state, setState] = useState<(typeof STATES)[number]>('failed');
  const [actionError, setActionError] = useState<string | null>(null);
  const jobs = useAsync(
    (signal) => api.get<QueueJob[]>(`/admin/queues/${encodeURIComponent(queue)}/jobs?state=${state}`, signal),
    [queue, state],
  );

  const act = async (what: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await what();
    } catch (e) {
      setActionError(errorMessage(e));
    }
    jobs.reload();
    onChange();
  };
  const path = (job: QueueJob) => `/admin/queues/${encodeURIComponent(job.queue)}/jobs/${encodeURIComponent(job.id)}`;

  return (
    <section className="panel" aria-labelledby="jobs-title">
      <div className="page-head">
        <h2 id="jobs-title">Jobs</h2>
        <div className="toolbar">
          <label>
            Queue{' '}
            <select value={queue} onChange={(e) => setQueue(e.target.value)}>
              {queues.map((q) => (
                <option key={q} value={q}>
                  {q}
                </option>
              ))}
            </select>
          </label>{' '}
          <label>
            State{' '}
            <select value={state} onChange={(e) => setState(e.target.value as (typeof STATES)[number])}>
              {STATES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      <ErrorBanner message={jobs.error ?? actionError} onRetry={jobs.reload} />
      {jobs.loading && !jobs.data && <Loading />}
      {jobs.data && jobs.data.length === 0 && <p className="muted">No {state} jobs.</p>}
      {jobs.data && jobs.data.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Data</th>
                <th scope="col">Failure reason</th>
                <th scope="col">Attempts</th>
                <th scope="col">Queued</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {jobs.data.map((job) => (
                <tr key={job.id} data-job={job.id}>
                  <td className="mono">{job.id}</td>
                  <td className="mono small">{JSON.stringify(job.data)}</td>
                  <td className={job.failedReason ? 'error' : ''}>{job.failedReason ?? '—'}</td>
                  <td>{job.attemptsMade}</td>
                  <td>{formatDateTime(job.queuedAt)}</td>
                  <td>
                    {job.state === 'failed' && (
                      <button type="button" onClick={() => void act(() => api.post(`${path(job)}/retry`))}>
                        Retry
                      </button>
                    )}{' '}
                    {job.state !== 'active' && (
                      <button type="button" className="danger" onClick={() => void act(() => api.delete(path(job)))}>
                        Remove
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
