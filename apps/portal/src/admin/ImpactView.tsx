import type { RolloutImpact, SpecChanges } from '../api/contract';
import { Empty } from '../components/States';
import { StatusBadge } from '../components/StatusBadge';

/** Which workspaces are on older versions and what moving each would change. */
export function ImpactView({ impact }: { impact: RolloutImpact }) {
  if (impact.workspaces.length === 0) return <Empty>No workspace is on an older version.</Empty>;
  return (
    <div className="table-wrap">
      <table>
        <caption>
          {impact.workspaces.length} workspace{impact.workspaces.length === 1 ? '' : 's'} would move to v
          {impact.version}; each keeps its home volume and gets a new container.
        </caption>
        <thead>
          <tr>
            <th scope="col">Workspace</th>
            <th scope="col">Status</th>
            <th scope="col">From</th>
            <th scope="col">Changes</th>
          </tr>
        </thead>
        <tbody>
          {impact.workspaces.map((w) => (
            <tr key={w.workspaceId}>
              <td>{w.name}</td>
              <td>
                <StatusBadge status={w.status} />
              </td>
              <td>v{w.fromVersion}</td>
              <td>
                <ul className="changes">
                  {describe(w.changes).map((c) => (
                    <li key={c}>{c}</li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function describe(c: SpecChanges): string[] {
  const out: string[] = [];
  if (c.image) out.push(`image ${c.image.from ?? '?'} → ${c.image.to ?? '?'}`);
  if (c.env.added.length) out.push(`env added: ${c.env.added.join(', ')}`);
  if (c.env.removed.length) out.push(`env removed: ${c.env.removed.join(', ')}`);
  if (c.env.changed.length) out.push(`env changed: ${c.env.changed.join(', ')}`);
  if (c.ports.added.length) out.push(`ports added: ${c.ports.added.join(', ')}`);
  if (c.ports.removed.length) out.push(`ports removed: ${c.ports.removed.join(', ')}`);
  for (const r of c.resources) out.push(`${r.field} ${r.from} → ${r.to}`);
  if (c.user) out.push(`user ${c.user.from} → ${c.user.to}`);
  if (c.homePath) out.push(`home ${c.homePath.from} → ${c.homePath.to}`);
  for (const [key, value] of Object.entries(c)) {
    if (['containerRecreated', 'volumeKept', 'image', 'env', 'ports', 'resources', 'user', 'homePath'].includes(key))
      continue;
    if (value === null || value === false || (Array.isArray(value) && value.length === 0)) continue;
    const primitive = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    out.push(`${key}: ${primitive ? String(value) : JSON.stringify(value)}`);
  }
  if (out.length === 0) out.push('container recreated, nothing else changes');
  return out;
}
