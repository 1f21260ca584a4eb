import { type FormEvent, useEffect, useState } from 'react';
import { api, errorMessage } from '../api/client';
import type { RolloutImpact, Template, TemplateVersion } from '../api/contract';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Modal } from '../components/Modal';
import { ErrorBanner, Loading } from '../components/States';
import { StatusBadge } from '../components/StatusBadge';
import { formatDateTime } from '../lib/format';
import { Link, navigate } from '../lib/router';
import { useAsync } from '../lib/use-async';
import { BuildLog } from '../workspaces/BuildLog';
import { ImpactView } from './ImpactView';
import { type SpecCheck, SpecEditor } from './SpecEditor';

/** Versions are built by a queued job; while one is building the list is re-read every few seconds. */
const BUILD_REFRESH_MS = 3000;

export function TemplateDetailPage({ id }: { id: string }) {
  const template = useAsync((signal) => api.get<Template>(`/templates/${id}`, signal), [id]);
  const versions = useAsync((signal) => api.get<TemplateVersion[]>(`/templates/${id}/versions`, signal), [id]);
  const [logFor, setLogFor] = useState<number | null>(null);
  const [impactFor, setImpactFor] = useState<number | null>(null);
  const [archiving, setArchiving] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [showNew, setShowNew] = useState(false);

  const building = (versions.data ?? []).some((v) => v.status === 'pending' || v.status === 'building');
  const reloadVersions = versions.reload;
  useEffect(() => {
    if (!building) return;
    const timer = window.setTimeout(() => reloadVersions(), BUILD_REFRESH_MS);
    return () => window.clearTimeout(timer);
  }, [building, versions.data, reloadVersions]);

  const promote = async (n: number) => {
    setActionError(null);
    try {
      await api.post(`/templates/${id}/versions/${n}/promote`, {});
      template.reload();
      versions.reload();
    } catch (e) {
      setActionError(errorMessage(e));
    }
  };
  const archive = async () => {
    try {
      await api.delete(`/templates/${id}`);
      navigate('/admin/templates');
    } catch (e) {
      setActionError(errorMessage(e));
      setArchiving(false);
    }
  };

  if (template.error && !template.data) return <ErrorBanner message={template.error} onRetry={template.reload} />;
  if (!template.data) return <Loading />;
  const t = template.data;
  const sorted = [...(versions.data ?? [])].sort((a, b) => b.version - a.version);

  return (
    <section aria-labelledby="page-title">
      <p className="crumbs">
        <Link href="/admin/templates">Templates</Link> /
      </p>
      <div className="page-head">
        <div>
          <h1 id="page-title">{t.name}</h1>
          <p className="muted">{t.description || 'No description.'}</p>
        </div>
        <div className="actions">
          <button type="button" className="primary" onClick={() => setShowNew((s) => !s)} aria-expanded={showNew}>
            New version
          </button>
          <button type="button" className="danger-outline" onClick={() => setArchiving(true)}>
            Archive
          </button>
        </div>
      </div>
      <ErrorBanner message={actionError} />
      {showNew && (
        <NewVersionForm
          templateId={id}
          initialSpec={t.active?.spec ?? {}}
          onCreated={() => {
            setShowNew(false);
            versions.reload();
          }}
        />
      )}
      <section className="panel" aria-labelledby="versions-title">
        <h2 id="versions-title">Versions</h2>
        <ErrorBanner message={versions.error} onRetry={versions.reload} />
        {versions.loading && !versions.data && <Loading />}
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Status</th>
                <th scope="col">Message</th>
                <th scope="col">Image</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((v) => (
                <tr key={v.version} data-version={v.version}>
                  <td>
                    v{v.version} {v.version === t.activeVersion && <span className="tag">promoted</span>}
                  </td>
                  <td>
                    <StatusBadge status={v.status} />
                    {v.buildError && <div className="error small">{v.buildError}</div>}
                  </td>
                  <td>{v.message}</td>
                  <td className="mono small">{v.imageDigest ?? v.imageId ?? v.spec.image ?? '—'}</td>
                  <td>{formatDateTime(v.createdAt)}</td>
                  <td>
                    <div className="actions compact">
                      <button type="button" onClick={() => setLogFor(v.version)}>
                        Build log
                      </button>
                      <button type="button" onClick={() => setImpactFor(v.version)}>
                        Impact
                      </button>
                      {v.version !== t.activeVersion && (
                        <button
                          type="button"
                          className="primary-outline"
                          disabled={v.status !== 'ready'}
                          title={
                            v.status === 'ready'
                              ? 'Use this version for new workspaces'
                              : 'Only a ready version can be promoted'
                          }
                          onClick={() => void promote(v.version)}
                        >
                          Promote
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {logFor !== null && <VersionLog templateId={id} version={logFor} onClose={() => setLogFor(null)} />}
      {impactFor !== null && (
        <Modal title={`Rollout impact of v${impactFor}`} onClose={() => setImpactFor(null)}>
          <ImpactLoader templateId={id} version={impactFor} />
        </Modal>
      )}
      {archiving && (
        <ConfirmDialog
          title={`Archive template “${t.name}”?`}
          confirmLabel="Archive"
          danger
          onConfirm={() => void archive()}
          onCancel={() => setArchiving(false)}
        >
          <p>It disappears from the catalogue; existing workspaces keep working.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function NewVersionForm({
  templateId,
  initialSpec,
  onCreated,
}: {
  templateId: string;
  initialSpec: unknown;
  onCreated: () => void;
}) {
  const [specText, setSpecText] = useState(() => JSON.stringify(initialSpec, null, 2));
  const [message, setMessage] = useState('');
  const [check, setCheck] = useState<SpecCheck>({ state: 'checking' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (check.state !== 'valid') return;
    setBusy(true);
    setError(null);
    try {
      await api.post(`/templates/${templateId}/versions`, { spec: check.spec, ...(message ? { message } : {}) });
      onCreated();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="panel" onSubmit={(e) => void submit(e)} aria-label="New version">
      <h2>New version</h2>
      <div className="field">
        <label htmlFor="ver-message">Changelog message</label>
        <input id="ver-message" value={message} onChange={(e) => setMessage(e.target.value)} />
      </div>
      <SpecEditor id="ver-spec" value={specText} onChange={setSpecText} onCheck={setCheck} />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy || check.state !== 'valid'}>
          {busy ? 'Creating…' : 'Create version'}
        </button>
      </div>
    </form>
  );
}

function VersionLog({ templateId, version, onClose }: { templateId: string; version: number; onClose: () => void }) {
  const v = useAsync(
    (signal) => api.get<TemplateVersion>(`/templates/${templateId}/versions/${version}`, signal),
    [templateId, version],
  );
  return (
    <Modal title={`Build log of v${version}`} onClose={onClose}>
      <ErrorBanner message={v.error} onRetry={v.reload} />
      {v.loading && !v.data && <Loading />}
      {v.data && (
        <>
          <p>
            <StatusBadge status={v.data.status} />{' '}
            {v.data.buildError && <span className="error">{v.data.buildError}</span>}
          </p>
          <BuildLog lines={v.data.logs ?? []} />
          <details>
            <summary>Spec</summary>
            <pre className="log">{JSON.stringify(v.data.spec, null, 2)}</pre>
          </details>
        </>
      )}
    </Modal>
  );
}

function ImpactLoader({ templateId, version }: { templateId: string; version: number }) {
  const impact = useAsync(
    (signal) => api.get<RolloutImpact>(`/templates/${templateId}/versions/${version}/impact`, signal),
    [templateId, version],
  );
  if (impact.error) return <ErrorBanner message={impact.error} onRetry={impact.reload} />;
  if (!impact.data) return <Loading />;
  return <ImpactView impact={impact.data} />;
}
