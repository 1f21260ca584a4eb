import type { SystemInfo } from '../api/contract';

/**
 * The warm pool on the system page: per template version with a pool size, the slots that are
 * ready to be claimed, being made and being removed, against the global cap (BERTH_POOL_MAX).
 */
export function WarmPoolPanel({ pool }: { pool: NonNullable<SystemInfo['pool']> }) {
  const held = pool.versions.reduce((n, v) => n + v.ready + v.warming, 0);
  return (
    <section className="panel" aria-labelledby="pool-title">
      <h2 id="pool-title">Warm pool</h2>
      <p className="muted small">
        {held} of at most {pool.max} slots (BERTH_POOL_MAX). Set a version&apos;s size with{' '}
        <span className="mono">PUT /api/v1/templates/:id/versions/:n/pool</span>.
      </p>
      {pool.versions.length === 0 ? (
        <p className="muted">No template version has a warm pool.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Template</th>
                <th scope="col">Version</th>
                <th scope="col">Size</th>
                <th scope="col">Ready</th>
                <th scope="col">Warming</th>
                <th scope="col">Draining</th>
              </tr>
            </thead>
            <tbody>
              {pool.versions.map((v) => (
                <tr key={`${v.templateId}/${v.version}`}>
                  <td>{v.templateName || v.templateId}</td>
                  <td>
                    {v.version}
                    {!v.promoted && <span className="muted small"> (not promoted: drained)</span>}
                  </td>
                  <td>{v.size}</td>
                  <td>{v.ready}</td>
                  <td>{v.warming}</td>
                  <td>{v.draining}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
