import { api } from '../api/client';
import type { Template } from '../api/contract';
import { Empty, ErrorBanner, Loading } from '../components/States';
import { StatusBadge } from '../components/StatusBadge';
import { formatDateTime } from '../lib/format';
import { Link } from '../lib/router';
import { useAsync } from '../lib/use-async';

export function TemplatesPage() {
  const list = useAsync((signal) => api.get<Template[]>('/templates', signal), []);
  return (
    <section aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Templates</h1>
        <Link className="button primary" href="/admin/templates/new">
          New template
        </Link>
      </div>
      <ErrorBanner message={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data?.length === 0 && <Empty>No templates yet.</Empty>}
      {list.data && list.data.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Description</th>
                <th scope="col">Promoted version</th>
                <th scope="col">Image</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((t) => (
                <tr key={t.id}>
                  <td>
                    <Link href={`/admin/templates/${t.id}`}>{t.name}</Link>
                  </td>
                  <td>{t.description}</td>
                  <td>
                    v{t.activeVersion} {t.active && <StatusBadge status={t.active.status} />}
                  </td>
                  <td className="mono">{t.active?.spec.image ?? (t.active?.spec.build ? 'Dockerfile' : '—')}</td>
                  <td>{formatDateTime(t.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
