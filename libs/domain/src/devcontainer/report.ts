/** One devcontainer.json key (dotted path) that was not imported, and why. */
export interface UnsupportedKey {
  key: string;
  reason: string;
}

/**
 * Collects what an import could not carry over. Every key the importer does not map ends up
 * here or in a note, so an admin sees exactly what the template lacks compared to the
 * devcontainer.json instead of discovering it in a broken workspace.
 */
export class ImportReport {
  readonly unsupported: UnsupportedKey[] = [];
  readonly notes: string[] = [];

  drop(key: string, reason: string): void {
    this.unsupported.push({ key, reason });
  }

  note(text: string): void {
    this.notes.push(text);
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

// The variables the devcontainer spec substitutes (containers.dev json reference, "Variables in
// devcontainer.json"). Berth has no host environment, editor or workspace folder to take them
// from, so a value that uses one cannot be imported faithfully.
const VARIABLE_NAMES = [
  'localEnv',
  'containerEnv',
  'localWorkspaceFolder',
  'containerWorkspaceFolder',
  'localWorkspaceFolderBasename',
  'containerWorkspaceFolderBasename',
  'devcontainerId',
];
const VARIABLE = new RegExp(`\\$\\{(?:${VARIABLE_NAMES.join('|')})(?::[^}]*)?\\}`);

/** The first devcontainer.json variable in `value`, e.g. `${localEnv:HOME}`. */
export function devcontainerVariable(value: string): string | undefined {
  return VARIABLE.exec(value)?.[0];
}

export const variableReason = (variable: string): string =>
  `uses ${variable}, a devcontainer.json variable Berth cannot substitute (no host environment, editor or workspace folder)`;

/** A DNS label (lowercase letters, digits, inner dashes, at most 63) derived from free text. */
export function toDnsLabel(text: string): string | undefined {
  const label = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
  return label === '' ? undefined : label;
}
