import { type ImportReport, devcontainerVariable, isRecord, variableReason } from './report.js';

/**
 * devcontainer.json lifecycle commands → Berth scripts. Berth runs a script once as
 * `sh -c <script>` (initScript on first start, startScript on every start); the dev container
 * tools run a string with /bin/sh too, an array without a shell, and the entries of an object in
 * parallel (containers.dev json reference, "Lifecycle scripts"; spec "parallel lifecycle script
 * execution").
 */

/** Lifecycle keys folded into initScript, in the order the spec runs them at creation. */
export const INIT_STAGES = ['onCreateCommand', 'updateContentCommand', 'postCreateCommand'] as const;
export const START_STAGES = ['postStartCommand'] as const;

interface Step {
  label: string;
  script: string;
}

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one argument for sh so an array command means the same run through a shell. */
export function shellQuote(arg: string): string {
  return SHELL_SAFE.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** One string or array command as sh text; undefined when empty or not importable (reported). */
function commandScript(value: unknown, key: string, report: ImportReport): string | undefined {
  let script: string;
  if (typeof value === 'string') {
    script = value;
  } else if (Array.isArray(value) && value.every((arg): arg is string => typeof arg === 'string')) {
    script = value.map(shellQuote).join(' ');
  } else {
    report.drop(key, 'must be a command string, an array of strings, or an object of named commands');
    return undefined;
  }
  if (script.trim() === '') return undefined; // e.g. "postCreateCommand": "" — nothing to run, nothing lost
  const variable = devcontainerVariable(Array.isArray(value) ? value.join(' ') : script);
  if (variable) {
    report.drop(key, variableReason(variable));
    return undefined;
  }
  return script;
}

function stageSteps(key: string, value: unknown, report: ImportReport): Step[] {
  if (value === undefined) return [];
  if (!isRecord(value)) {
    const script = commandScript(value, key, report);
    return script === undefined ? [] : [{ label: key, script }];
  }
  const steps: Step[] = [];
  for (const [name, command] of Object.entries(value)) {
    const script = commandScript(command, `${key}.${name}`, report);
    // JSON.stringify keeps a name with line breaks on its comment line.
    if (script !== undefined) steps.push({ label: `${key} ${JSON.stringify(name)}`, script });
  }
  if (steps.length > 1) {
    report.note(
      `${key}: its ${steps.length} named commands run in parallel in a dev container; Berth runs them one after another, ` +
        'in the order written, and stops at the first failure.',
    );
  }
  return steps;
}

/**
 * Joins steps into one script. Each step runs in its own subshell, as its own process did, so a
 * `cd`, `exit` or `set` inside one cannot leak into the next; `|| exit $?` gives the `set -e`
 * semantics of the spec ("if one of the lifecycle scripts fails, subsequent scripts are not
 * executed") without imposing `set -e` on the commands' own internals.
 */
function joinSteps(steps: Step[]): string | undefined {
  const [only] = steps;
  if (!only) return undefined;
  if (steps.length === 1) return only.script;
  const blocks = steps.map((s) => `# ${s.label}\n(\n${s.script}\n) || exit $?`);
  return ['# Imported from devcontainer.json: run in sequence, stopping at the first failure.', ...blocks].join('\n\n');
}

export function lifecycleScripts(
  devcontainer: Record<string, unknown>,
  report: ImportReport,
): { initScript?: string; startScript?: string } {
  const initSteps = INIT_STAGES.flatMap((key) => stageSteps(key, devcontainer[key], report));
  const startSteps = START_STAGES.flatMap((key) => stageSteps(key, devcontainer[key], report));

  const early = INIT_STAGES.slice(0, 2).filter((key) => initSteps.some((s) => s.label.startsWith(key)));
  if (early.length > 0) {
    const parts = [
      `${early.join(' and ')} ${early.length > 1 ? 'were' : 'was'} placed in initScript before postCreateCommand: without prebuilds, ` +
        'a dev container runs onCreateCommand, updateContentCommand and postCreateCommand once, in that order, when it is created.',
    ];
    if (early.includes('updateContentCommand'))
      parts.push('Re-running updateContentCommand when content changes has no Berth equivalent.');
    report.note(parts.join(' '));
  }
  const result: { initScript?: string; startScript?: string } = {};
  const initScript = joinSteps(initSteps);
  const startScript = joinSteps(startSteps);
  if (initScript !== undefined) result.initScript = initScript;
  if (startScript !== undefined) result.startScript = startScript;
  if (initScript !== undefined || startScript !== undefined) {
    report.note(
      'Scripts run with sh -c as the template user in homePath; a dev container runs them in its workspace folder, ' +
        "next to the project's source, which Berth does not mount. Adjust paths (e.g. clone the repository first) if they rely on it.",
    );
  }
  return result;
}
