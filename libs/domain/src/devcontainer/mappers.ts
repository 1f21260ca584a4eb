import { isRootUser } from '../template-spec.js';
import { type ImportReport, devcontainerVariable, isRecord, toDnsLabel, variableReason } from './report.js';

/**
 * The small devcontainer.json → spec mappings: environment, ports and user. Values are copied as
 * written and left to lintTemplateSpec (the API answers 400 with every problem); what is reported
 * here is only what a spec cannot express at all.
 */

/** Names the worker sets itself after spec.env, so an imported value would be silently replaced. */
const reservedEnvReason = (name: string): string | undefined => {
  if (name === 'HOME') return 'Berth sets HOME to homePath';
  if (name.startsWith('BERTH_')) return 'BERTH_ variables are set by Berth';
  return undefined;
};

/** containerEnv and remoteEnv → env; remoteEnv wins, as it is applied last to the user's processes. */
export function mapEnv(devcontainer: Record<string, unknown>, report: ImportReport): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of ['containerEnv', 'remoteEnv'] as const) {
    const given = devcontainer[source];
    if (given === undefined) continue;
    if (!isRecord(given)) {
      report.drop(source, 'must be an object of name → value');
      continue;
    }
    for (const [name, value] of Object.entries(given)) {
      const key = `${source}.${name}`;
      if (value === null && source === 'remoteEnv') {
        report.drop(
          key,
          'null unsets a variable for the editor only; Berth has one environment for the whole container',
        );
        continue;
      }
      if (typeof value !== 'string') {
        report.drop(key, 'must be a string');
        continue;
      }
      const variable = devcontainerVariable(value);
      const reserved = reservedEnvReason(name);
      if (variable) report.drop(key, variableReason(variable));
      else if (reserved) report.drop(key, reserved);
      else env[name] = value;
    }
  }
  return env;
}

const HOST_PORT = /^([a-z0-9-]+):(\d{1,5})$/;

/** forwardPorts (+ portsAttributes labels as names) → ports. */
export function mapPorts(
  devcontainer: Record<string, unknown>,
  report: ImportReport,
): { port: number; name: string }[] {
  const { forwardPorts, portsAttributes } = devcontainer;
  const attributes = isRecord(portsAttributes) ? portsAttributes : {};
  if (portsAttributes !== undefined && !isRecord(portsAttributes)) report.drop('portsAttributes', 'must be an object');
  if (forwardPorts !== undefined && !Array.isArray(forwardPorts)) report.drop('forwardPorts', 'must be an array');

  const ports: { port: number; name: string }[] = [];
  const names = new Set<string>();
  (Array.isArray(forwardPorts) ? (forwardPorts as unknown[]) : []).forEach((item, i) => {
    if (typeof item === 'string' && HOST_PORT.test(item)) {
      report.drop(
        `forwardPorts.${i}`,
        `"${item}" forwards a port of another host or Compose service; a Berth workspace exposes only its own container's ports`,
      );
      return;
    }
    if (typeof item !== 'number') {
      report.drop(`forwardPorts.${i}`, 'must be a port number');
      return;
    }
    if (ports.some((p) => p.port === item)) return; // listed twice: forwarding it once is the same
    const attrs = attributes[String(item)];
    const label = isRecord(attrs) && typeof attrs.label === 'string' ? toDnsLabel(attrs.label) : undefined;
    let name = label ?? `port-${item}`;
    // Names identify ports in the UI and URLs, so two equal labels must not collapse into one.
    if (names.has(name)) name = `${name.slice(0, 56).replace(/-+$/, '')}-${item}`;
    names.add(name);
    ports.push({ port: item, name });
  });

  // portsAttributes is only consumed for the label of a forwarded port; all else is reported.
  for (const [pattern, attrs] of Object.entries(attributes)) {
    if (!ports.some((p) => String(p.port) === pattern)) {
      report.drop(
        `portsAttributes.${pattern}`,
        'applies to ports Berth does not expose (only numbers listed in forwardPorts are)',
      );
      continue;
    }
    for (const attr of Object.keys(isRecord(attrs) ? attrs : {})) {
      if (attr !== 'label')
        report.drop(
          `portsAttributes.${pattern}.${attr}`,
          "an editor's port-forwarding setting; Berth publishes ports itself",
        );
    }
  }
  return ports;
}

/**
 * remoteUser, else containerUser → user. The dev container tools run lifecycle scripts and
 * terminals as remoteUser, which is what Berth's user is used for.
 */
export function mapUser(
  devcontainer: Record<string, unknown>,
  report: ImportReport,
  allowRoot = false,
): string | undefined {
  const { remoteUser, containerUser } = devcontainer;
  let user: string | undefined;
  for (const [key, value] of [
    ['remoteUser', remoteUser],
    ['containerUser', containerUser],
  ] as const) {
    if (value === undefined) continue;
    const variable = typeof value === 'string' ? devcontainerVariable(value) : undefined;
    if (typeof value !== 'string') report.drop(key, 'must be a user name');
    else if (variable) report.drop(key, variableReason(variable));
    else if (user === undefined && isRootUser(value) && !allowRoot)
      report.drop(
        key,
        `"${value}" is root: Berth maps it only when asked (allowRoot: true), else it runs as 1000:1000`,
      );
    else if (user === undefined) user = value;
    else if (value !== user)
      report.drop(key, `Berth runs the container and its scripts as one user; remoteUser "${user}" was used`);
  }
  if (user === undefined) {
    report.note(
      "No usable remoteUser or containerUser: workspaces run as Berth's default user 1000:1000, not as the image's default user.",
    );
  }
  return user;
}
