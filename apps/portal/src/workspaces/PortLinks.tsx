import type { Workspace } from '../api/types';

/** One link per template port of a running workspace, opened on its own origin through a one-time ticket. */
export function PortLinks({
  workspace,
  templatePorts,
}: {
  workspace: Workspace;
  templatePorts?: { port: number; name?: string }[];
}) {
  if (workspace.status !== 'running') return null;
  const ports = workspace.ports.length > 0 ? workspace.ports : (templatePorts ?? []);
  if (ports.length === 0) return null;
  return (
    <ul className="ports" aria-label="Ports">
      {ports.map((p) => (
        <li key={p.port}>
          <a href={`/api/v1/workspaces/${workspace.id}/ports/${p.port}/open`} target="_blank" rel="noopener noreferrer">
            {p.name ? `${p.name} (${p.port})` : `port ${p.port}`} ↗
          </a>
        </li>
      ))}
    </ul>
  );
}
