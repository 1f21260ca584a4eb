import { isRootUser } from '../template-spec.js';
import { mapBuild } from './build.js';
import { parseDevcontainerJsonc } from './jsonc.js';
import { INIT_STAGES, START_STAGES, lifecycleScripts } from './lifecycle.js';
import { mapEnv, mapPorts, mapUser } from './mappers.js';
import {
  ImportReport,
  type UnsupportedKey,
  devcontainerVariable,
  isRecord,
  toDnsLabel,
  variableReason,
} from './report.js';

export type { UnsupportedKey } from './report.js';

/**
 * devcontainer.json → template spec candidate (issue 4, point 3). Pure: the API parses the
 * request, calls this, then runs the spec through lintTemplateSpec like any other spec. Only keys
 * the importer understands are written into the spec, so nothing security-sensitive from the
 * file (privileged, mounts, runArgs, capAdd, …) can reach it; each of those is reported instead.
 * Semantics follow the containers.dev devcontainer.json reference and its JSON schema.
 */

export interface DevcontainerImportInput {
  /** The devcontainer.json text (JSON with comments and trailing commas). */
  devcontainer: string;
  /** Build context files, keyed by path relative to the devcontainer.json folder (as build.dockerfile is). */
  files?: Record<string, string>;
  /** Where devcontainer.json sits in the repository; default .devcontainer/devcontainer.json. */
  devcontainerPath?: string;
  /** Map a root remoteUser/containerUser (with allowRoot: true); without it root is reported and dropped. */
  allowRoot?: boolean;
}

export interface DevcontainerImport {
  /** A TemplateSpecInput candidate; lintTemplateSpec has the last word. */
  spec: Record<string, unknown>;
  /** Every devcontainer.json key that was not carried over, in document order. */
  unsupported: UnsupportedKey[];
  /** What was carried over differently from how a dev container would behave. */
  notes: string[];
  /** `name` as a DNS label, for the template name. */
  suggestedName?: string;
}

const COMPOSE = 'Docker Compose is not supported: a Berth workspace is a single container';
const LEGACY_VSCODE = 'VS Code specific (legacy top-level property)';
const FEATURES =
  'Dev Container Features are not installed by Berth; install the tool in the image (Dockerfile) instead';

/** Keys never mapped, with the reason given back to the admin. */
const REASONS: Record<string, string> = {
  features: FEATURES,
  overrideFeatureInstallOrder: 'orders Dev Container Features, which Berth does not install',
  customizations: 'tool-specific settings; Berth has none to apply',
  extensions: LEGACY_VSCODE,
  settings: LEGACY_VSCODE,
  devPort: LEGACY_VSCODE,
  mounts: 'security-sensitive: Berth never adds mounts; the only mount is the workspace volume at homePath',
  workspaceMount:
    'security-sensitive: Berth never bind-mounts host folders; the workspace volume is mounted at homePath',
  workspaceFolder:
    'Berth mounts no source folder: a workspace starts in homePath, its persistent home volume; ' +
    'that is a home directory, not a checkout path, so it is not set from this',
  runArgs: 'security-sensitive: raw docker run arguments are never passed through',
  privileged: 'security-sensitive: Berth never grants privileged mode',
  capAdd:
    'security-sensitive: capabilities are never imported; an admin may add allow-listed ones to the template (capAdd) by hand',
  securityOpt: "security-sensitive: Berth's security options are fixed (no-new-privileges)",
  initializeCommand:
    'security-sensitive: it runs on the host machine; Berth never runs template commands outside the container',
  postAttachCommand: 'Berth has no editor-attach event to run it on',
  waitFor: 'Berth always finishes initScript and startScript before a workspace counts as running',
  shutdownAction: 'editor specific: a Berth workspace stops when its owner stops it, not when an editor disconnects',
  hostRequirements: 'Berth does not choose hosts; set resources (cpus, memoryMb) in the template instead',
  dockerComposeFile: COMPOSE,
  service: COMPOSE,
  runServices: COMPOSE,
  appPort:
    'it publishes ports on all host interfaces; Berth publishes on loopback only (list the port in forwardPorts instead)',
  otherPortsAttributes: 'applies to auto-forwarded ports; Berth exposes only the ports listed in forwardPorts',
  userEnvProbe: 'Berth does not probe shell profiles for variables; set them in env',
  updateRemoteUserUID: 'Berth never bind-mounts host folders, so there is no host UID to match',
  secrets: 'Berth does not prompt for secrets; declare env parameters in the template instead',
};

/** Keys whose value matches what Berth always does; any other value is reported. */
const FIXED_BEHAVIOUR: Record<string, { matches: unknown; reason: string }> = {
  init: { matches: true, reason: 'Berth always runs an init process (docker --init)' },
  overrideCommand: {
    matches: true,
    reason: "Berth always replaces the image's command with a keep-alive process unless the template sets command",
  },
};

/** Keys the mappers consume (and report on themselves). `$schema` only names the schema. */
const MAPPED = new Set<string>([
  'image',
  'build',
  'dockerFile',
  'context',
  'containerEnv',
  'remoteEnv',
  'forwardPorts',
  'portsAttributes',
  'remoteUser',
  'containerUser',
  'name',
  '$schema',
  ...INIT_STAGES,
  ...START_STAGES,
]);

const CUSTOMIZATION_TOOLS: Record<string, string> = {
  vscode: 'VS Code specific',
  codespaces: 'GitHub Codespaces specific',
  jetbrains: 'JetBrains specific',
};

function reportUnmapped(devcontainer: Record<string, unknown>, report: ImportReport): void {
  for (const [key, value] of Object.entries(devcontainer)) {
    if (MAPPED.has(key)) continue;
    const fixed = FIXED_BEHAVIOUR[key];
    if (fixed) {
      if (value !== fixed.matches) report.drop(key, fixed.reason);
    } else if ((key === 'features' || key === 'customizations') && isRecord(value) && Object.keys(value).length > 0) {
      // One entry per Feature / tool, so the admin sees exactly which tools to add by hand.
      for (const entry of Object.keys(value)) {
        report.drop(
          `${key}.${entry}`,
          key === 'features' ? FEATURES : (CUSTOMIZATION_TOOLS[entry] ?? `specific to the "${entry}" tool`),
        );
      }
    } else {
      report.drop(key, REASONS[key] ?? 'not a devcontainer.json property Berth knows');
    }
  }
}

function mapImage(devcontainer: Record<string, unknown>, report: ImportReport): string | undefined {
  const { image } = devcontainer;
  if (image === undefined) return undefined;
  const variable = typeof image === 'string' ? devcontainerVariable(image) : undefined;
  if (typeof image !== 'string') report.drop('image', 'must be an image reference');
  else if (variable) report.drop('image', variableReason(variable));
  else return image;
  return undefined;
}

function suggestName(devcontainer: Record<string, unknown>, report: ImportReport): string | undefined {
  const { name } = devcontainer;
  if (name === undefined) return undefined;
  const label = typeof name === 'string' ? toDnsLabel(name) : undefined;
  if (typeof name !== 'string' || label === undefined) {
    report.drop('name', 'must be a display name with letters or digits');
    return undefined;
  }
  report.note(`name "${name}" is not part of a spec; it is suggested as the template name "${label}".`);
  return label;
}

/** Puts unsupported keys in the order their top-level key appears in the file. */
function inDocumentOrder(unsupported: UnsupportedKey[], devcontainer: Record<string, unknown>): UnsupportedKey[] {
  const keys = Object.keys(devcontainer);
  const rank = (u: UnsupportedKey): number => keys.findIndex((k) => u.key === k || u.key.startsWith(`${k}.`));
  return unsupported
    .map((u, i) => ({ u, i }))
    .sort((a, b) => rank(a.u) - rank(b.u) || a.i - b.i)
    .map(({ u }) => u);
}

/**
 * Maps the supported subset of a devcontainer.json to a spec and reports everything else.
 * Throws a Validation BerthError for a file that cannot be read at all (syntax error, not an
 * object) or a build whose Dockerfile was not sent.
 */
export function importDevcontainer(input: DevcontainerImportInput): DevcontainerImport {
  const devcontainer = parseDevcontainerJsonc(input.devcontainer);
  const report = new ImportReport();
  const spec: Record<string, unknown> = {};

  const image = mapImage(devcontainer, report);
  if (image !== undefined) spec.image = image;
  const build = mapBuild(devcontainer, { files: input.files ?? {}, devcontainerPath: input.devcontainerPath }, report);
  if (build !== undefined) spec.build = build;
  const user = mapUser(devcontainer, report, input.allowRoot ?? false);
  if (user !== undefined) spec.user = user;
  if (user !== undefined && isRootUser(user)) spec.allowRoot = true;
  const env = mapEnv(devcontainer, report);
  if (Object.keys(env).length > 0) spec.env = env;
  const ports = mapPorts(devcontainer, report);
  if (ports.length > 0) spec.ports = ports;
  Object.assign(spec, lifecycleScripts(devcontainer, report));

  const suggestedName = suggestName(devcontainer, report);
  reportUnmapped(devcontainer, report);

  const result: DevcontainerImport = {
    spec,
    unsupported: inDocumentOrder(report.unsupported, devcontainer),
    notes: report.notes,
  };
  if (suggestedName !== undefined) result.suggestedName = suggestedName;
  return result;
}
