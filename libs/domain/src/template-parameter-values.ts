import { BerthError, ErrorCode } from './errors.js';
import type { ParameterDefinition } from './template-parameters.js';
import type { TemplateSpec } from './template-spec.js';

/**
 * The values a developer chose for a template's declared parameters, complete (defaults filled
 * in) so a workspace records exactly what it was created with. Plain JSON: it is stored as is.
 * Keys are parameter names: `cpus`/`memoryMb` → number, a choice's env var name → string,
 * `env` → free-text variables.
 */
export type ResolvedParameters = Record<string, number | string | Record<string, string>>;

type NumberDefinition = Extract<ParameterDefinition, { kind: 'number' }>;
type ChoiceDefinition = Extract<ParameterDefinition, { kind: 'choice' }>;
type EnvDefinition = Extract<ParameterDefinition, { kind: 'env' }>;

/** Same bound as a template's own env values (template-spec.ts). */
export const MAX_PARAMETER_ENV_VALUE_LENGTH = 8192;
/** Names are tested against an admin-written pattern; a short cap keeps a backtracking-prone pattern cheap. */
const MAX_ENV_NAME_LENGTH = 256;
/** What template-spec.ts accepts for env names, so an applied spec still parses. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Check<T> = { ok: true; value: T } | { ok: false; field: string; message: string };
const pass = <T>(value: T): Check<T> => ({ ok: true, value });
const fail = (field: string, message: string): Check<never> => ({ ok: false, field, message });

/**
 * Validates a `POST /workspaces` `parameters` object against the template's declarations and
 * returns every declared parameter (sent value or default). Throws a Validation BerthError whose
 * `field` is the first problem: the shape of `parameters`, then unknown names in the order sent,
 * then each declaration in the order the template lists them.
 *
 * `templateEnv` (the template's own `spec.env`) is optional: when given, free-text env naming a
 * variable the template sets is refused with a 400 instead of being silently ignored by
 * applyParameters.
 */
export function resolveParameterValues(
  definitions: readonly ParameterDefinition[],
  values: unknown,
  templateEnv: Readonly<Record<string, string>> = {},
): ResolvedParameters {
  if (values !== undefined && !isRecord(values)) throw refuse('parameters', 'parameters must be an object');
  const given: Record<string, unknown> = values ?? {};
  // A Map, not an object lookup: a sent name like `constructor` must not find Object.prototype.
  const declared = new Map(definitions.map((d) => [d.name, d]));
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) throw refuse(`parameters.${name}`, `template declares no parameter ${name}`);
  }
  const taken = takenEnvNames(definitions, templateEnv);
  const entries = definitions.map((def): [string, ResolvedParameters[string]] => {
    const sent = Object.hasOwn(given, def.name) ? given[def.name] : undefined;
    const checked = sent === undefined ? pass(defaultOf(def)) : check(def, sent, taken);
    if (!checked.ok) throw refuse(checked.field, checked.message);
    return [def.name, checked.value];
  });
  // fromEntries defines own properties, so even a parameter named __proto__ cannot reach a prototype.
  return Object.fromEntries(entries);
}

/**
 * Returns a new spec with the parameters applied; the input is never mutated (deep copy).
 * - `cpus`/`memoryMb` replace `resources.cpus`/`resources.memoryMb`;
 * - a choice sets `env[NAME]`, overriding the template's own value: the admin declared that
 *   variable as the developer's to choose;
 * - free-text env only ADDS variables: one the template sets (in `env` or by a choice) keeps the
 *   template's value, so a developer cannot override what the template pins.
 *
 * It never throws, because it also runs on rebuilds, where `resolved` was recorded against an
 * older template version: values for parameters no longer declared are ignored, missing ones
 * take the default, numbers are clamped into the current bounds, a choice no longer offered
 * falls back to the default, and env entries the current rules refuse are dropped.
 */
export function applyParameters(spec: TemplateSpec, resolved: ResolvedParameters): TemplateSpec {
  const out = structuredClone(spec);
  const choices: [string, string][] = [];
  let free: [string, string][] = [];
  const taken = takenEnvNames(spec.parameters, spec.env);
  for (const def of spec.parameters) {
    const recorded = Object.hasOwn(resolved, def.name) ? resolved[def.name] : undefined;
    switch (def.kind) {
      case 'number':
        out.resources[def.name] = lenientNumber(def, recorded);
        break;
      case 'choice': {
        const checked = recorded === undefined ? undefined : checkChoice(def, recorded);
        choices.push([def.name, checked?.ok ? checked.value : def.default]);
        break;
      }
      case 'env':
        free = lenientEnv(def, recorded, taken);
        break;
    }
  }
  const fixed = [...Object.entries(spec.env), ...choices];
  const fixedNames = new Set(fixed.map(([name]) => name));
  out.env = Object.fromEntries([...fixed, ...free.filter(([name]) => !fixedNames.has(name))]);
  return out;
}

function check(
  def: ParameterDefinition,
  value: unknown,
  taken: ReadonlySet<string>,
): Check<ResolvedParameters[string]> {
  switch (def.kind) {
    case 'number':
      return checkNumber(def, value);
    case 'choice':
      return checkChoice(def, value);
    case 'env':
      return checkEnv(def, value, taken);
  }
}

function defaultOf(def: ParameterDefinition): ResolvedParameters[string] {
  return def.kind === 'env' ? {} : def.default;
}

function checkNumber(def: NumberDefinition, value: unknown): Check<number> {
  const field = `parameters.${def.name}`;
  // JSON numbers only: "2" is refused rather than coerced, so what is recorded is what was meant.
  if (typeof value !== 'number' || !Number.isFinite(value)) return fail(field, `${field} must be a number`);
  if (def.name === 'memoryMb' && !Number.isInteger(value)) return fail(field, `${field} must be an integer`);
  if (value < def.min || value > def.max) return fail(field, `${field} must be between ${def.min} and ${def.max}`);
  return pass(value);
}

function checkChoice(def: ChoiceDefinition, value: unknown): Check<string> {
  const field = `parameters.${def.name}`;
  if (typeof value !== 'string') return fail(field, `${field} must be a string`);
  // Options can be long URLs (up to 50 × 2000 chars), so they are not echoed; the template lists them.
  if (!def.options.includes(value)) return fail(field, `${field} must be one of the template's options`);
  return pass(value);
}

function checkEnv(def: EnvDefinition, value: unknown, taken: ReadonlySet<string>): Check<Record<string, string>> {
  const field = `parameters.${def.name}`;
  if (!isRecord(value)) return fail(field, `${field} must be an object of variable names to string values`);
  const entries = Object.entries(value);
  // Counted before any per-entry work, so an oversized object is refused cheaply.
  if (entries.length > def.maxEntries) return fail(field, `${field} must have at most ${def.maxEntries} entries`);
  const pattern = anchored(def.namePattern);
  const accepted: [string, string][] = [];
  for (const [name, entry] of entries) {
    const checked = checkEnvEntry(field, pattern, def.namePattern, name, entry, taken);
    if (!checked.ok) return checked;
    accepted.push([name, checked.value]);
  }
  return pass(Object.fromEntries(accepted));
}

function checkEnvEntry(
  parent: string,
  pattern: RegExp,
  source: string,
  name: string,
  value: unknown,
  taken: ReadonlySet<string>,
): Check<string> {
  const field = `${parent}.${name}`;
  if (name.length > MAX_ENV_NAME_LENGTH || !ENV_NAME.test(name)) {
    return fail(field, `${field}: variable names are letters, digits and _, not starting with a digit`);
  }
  if (isReservedEnvName(name)) return fail(field, `${field}: ${name} is reserved by Berth`);
  if (!pattern.test(name)) return fail(field, `${field}: ${name} does not match the template's name pattern ${source}`);
  if (taken.has(name)) return fail(field, `${field}: ${name} is set by the template`);
  if (typeof value !== 'string') return fail(field, `${field} must be a string`);
  if (value.length > MAX_PARAMETER_ENV_VALUE_LENGTH)
    return fail(field, `${field} must be at most ${MAX_PARAMETER_ENV_VALUE_LENGTH} characters`);
  // Docker passes env as NAME=value C strings; a NUL would silently truncate the value.
  if (value.includes('\0')) return fail(field, `${field} must not contain NUL characters`);
  return pass(value);
}

/**
 * Berth sets HOME and BERTH_* itself (runtime hardening) and would override them anyway; refusing
 * says so instead of silently dropping. BERTH_ is matched in any case to keep the whole prefix
 * Berth's; __proto__ is refused so downstream code assigning env by name can never be tricked.
 */
function isReservedEnvName(name: string): boolean {
  return name === 'HOME' || name === '__proto__' || /^BERTH_/i.test(name);
}

/**
 * The admin's pattern must match the WHOLE name even without ^…$: `MY_[A-Z]+` would otherwise
 * accept `EVIL_MY_A`. The group keeps alternations whole (`A_.*|B_.*`); patterns that already
 * carry ^…$ are unaffected.
 */
function anchored(namePattern: string): RegExp {
  return new RegExp(`^(?:${namePattern})$`);
}

/** Names free-text env may not take: choice variables (it would bypass the options) and the template's env. */
function takenEnvNames(
  definitions: readonly ParameterDefinition[],
  templateEnv: Readonly<Record<string, string>>,
): Set<string> {
  return new Set([...definitions.filter((d) => d.kind === 'choice').map((d) => d.name), ...Object.keys(templateEnv)]);
}

function lenientNumber(def: NumberDefinition, recorded: unknown): number {
  if (typeof recorded !== 'number' || !Number.isFinite(recorded)) return def.default;
  if (def.name === 'memoryMb' && !Number.isInteger(recorded)) return def.default;
  return Math.min(def.max, Math.max(def.min, recorded));
}

function lenientEnv(def: EnvDefinition, recorded: unknown, taken: ReadonlySet<string>): [string, string][] {
  if (!isRecord(recorded)) return [];
  const pattern = anchored(def.namePattern);
  const kept: [string, string][] = [];
  for (const [name, value] of Object.entries(recorded)) {
    const checked = checkEnvEntry(`parameters.${def.name}`, pattern, def.namePattern, name, value, taken);
    if (checked.ok) kept.push([name, checked.value]);
  }
  return kept.slice(0, def.maxEntries);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refuse(field: string, message: string): BerthError {
  return new BerthError(ErrorCode.Validation, message, { field });
}
