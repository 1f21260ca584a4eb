import { BerthError, ErrorCode } from '../errors.js';
import { type ImportReport, devcontainerVariable, isRecord, variableReason } from './report.js';

/**
 * devcontainer.json `build` (or the legacy top-level `dockerFile` + `context`) → spec.build.
 * In a dev container, build.dockerfile and build.context are paths relative to the folder holding
 * devcontainer.json (containers.dev json reference); the request carries the files themselves,
 * keyed the same way. Berth's worker writes spec.build.dockerfile as `Dockerfile` at the root of
 * the build context and spec.build.files around it, so files are re-rooted at the context.
 */

export const DEFAULT_DEVCONTAINER_PATH = '.devcontainer/devcontainer.json';

export interface BuildSource {
  /** Build context files: path relative to the devcontainer.json folder → text. */
  files: Record<string, string>;
  /** Where devcontainer.json sits in the repository; places the folder inside a context of "..". */
  devcontainerPath?: string;
}

export interface SpecBuild {
  dockerfile: string;
  files?: Record<string, string>;
  args?: Record<string, string>;
}

const invalid = (field: string, message: string): BerthError =>
  new BerthError(ErrorCode.Validation, `${field}: ${message}`, { field });

/** Normalised path segments; `..` survives only at the front (above the starting folder). */
function segments(path: string, field: string): string[] {
  const unixPath = path.replace(/\\/g, '/');
  if (unixPath.startsWith('/') || /^[A-Za-z]:/.test(unixPath))
    throw invalid(field, `"${path}" must be a relative path`);
  const out: string[] = [];
  for (const part of unixPath.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(part);
  }
  return out;
}

const startsWith = (path: string[], prefix: string[]): boolean => prefix.every((part, i) => path[i] === part);

const BUILD_KEY_REASONS: Record<string, string> = {
  target:
    "Berth builds the Dockerfile's last stage; a target stage cannot be chosen, so check that the last stage is the dev image",
  cacheFrom: 'building with caches from other images is not supported',
  options: 'security-sensitive: raw docker build options are never passed through',
};
const BUILD_KEYS_USED = new Set(['dockerfile', 'context', 'args']);

/** Handles the keys `build`, `dockerFile` and `context`; undefined when there is nothing to build. */
export function mapBuild(
  devcontainer: Record<string, unknown>,
  source: BuildSource,
  report: ImportReport,
): SpecBuild | undefined {
  const { build, dockerFile, context } = devcontainer;
  if (build !== undefined && !isRecord(build)) report.drop('build', 'must be an object');
  const options = isRecord(build) ? build : {};

  let path: unknown;
  let field: string;
  if (options.dockerfile !== undefined) {
    [path, field] = [options.dockerfile, 'build.dockerfile'];
    if (dockerFile !== undefined)
      report.drop('dockerFile', 'ignored: build.dockerfile takes precedence over the legacy dockerFile');
  } else {
    [path, field] = [dockerFile, 'dockerFile'];
  }
  if (typeof path !== 'string') {
    if (path !== undefined) report.drop(field, 'must be a path to a Dockerfile');
    else if (isRecord(build)) report.drop('build', 'has no dockerfile to build');
    if (context !== undefined) report.drop('context', 'only applies with a Dockerfile');
    return undefined;
  }

  // build.context wins; a top-level context belongs to the legacy dockerFile form only.
  let contextPath: unknown = '.';
  let contextField = 'build.context';
  if (options.context !== undefined) {
    contextPath = options.context;
    if (context !== undefined) report.drop('context', 'ignored: build.context takes precedence');
  } else if (context !== undefined) {
    [contextPath, contextField] = [context, 'context'];
  }
  if (typeof contextPath !== 'string') throw invalid(contextField, 'must be a path relative to devcontainer.json');

  const devcontainerPath = source.devcontainerPath ?? DEFAULT_DEVCONTAINER_PATH;
  const folder = segments(devcontainerPath, 'devcontainerPath').slice(0, -1);
  if (folder[0] === '..') throw invalid('devcontainerPath', 'must lie inside the repository');
  // Paths are relative to the folder; checking them alone first refuses absolute ones.
  const resolve = (p: string, f: string): string[] => segments([...folder, ...segments(p, f)].join('/'), f);

  const dockerfilePath = resolve(path, field);
  const files = Object.entries(source.files).map(([key, text]) => ({ key, text, at: resolve(key, `files.${key}`) }));
  const dockerfile = files.find((f) => f.at.join('/') === dockerfilePath.join('/'));
  if (!dockerfile) {
    throw invalid(
      `files.${path}`,
      `the Dockerfile named by ${field} must be sent in files, keyed by its path relative to devcontainer.json`,
    );
  }

  const contextAt = resolve(contextPath, contextField);
  if (!startsWith(contextAt, folder) && source.devcontainerPath === undefined) {
    report.note(
      `The build context "${contextPath}" lies outside the devcontainer.json folder; devcontainer.json was assumed to be ${DEFAULT_DEVCONTAINER_PATH}.`,
    );
  }
  const contextFiles: Record<string, string> = {};
  const outside: string[] = [];
  for (const file of files) {
    if (file === dockerfile) continue; // the worker writes it itself; files are "the rest of the build context"
    const inside = file.at.slice(contextAt.length);
    const relative = inside.join('/');
    // A leading ".." left after the prefix means a file above the context (e.g. above the repository).
    if (!startsWith(file.at, contextAt) || inside.length === 0 || inside[0] === '..') outside.push(file.key);
    else if (relative === 'Dockerfile') {
      report.note(
        `files.${file.key} was left out: Berth puts the template's Dockerfile at the root of the build context, where this file would replace it.`,
      );
    } else contextFiles[relative] = file.text;
  }
  if (outside.length > 0)
    report.note(`Files outside the build context "${contextPath}" were left out: ${outside.join(', ')}.`);

  const args: Record<string, string> = {};
  const givenArgs = options.args;
  if (givenArgs !== undefined && !isRecord(givenArgs)) report.drop('build.args', 'must be an object of name → value');
  for (const [name, value] of Object.entries(isRecord(givenArgs) ? givenArgs : {})) {
    const variable = typeof value === 'string' ? devcontainerVariable(value) : undefined;
    if (typeof value !== 'string') report.drop(`build.args.${name}`, 'must be a string');
    else if (variable) report.drop(`build.args.${name}`, variableReason(variable));
    else args[name] = value;
  }

  for (const key of Object.keys(options)) {
    if (!BUILD_KEYS_USED.has(key))
      report.drop(`build.${key}`, BUILD_KEY_REASONS[key] ?? 'not a build property Berth knows');
  }

  const result: SpecBuild = { dockerfile: dockerfile.text };
  if (Object.keys(contextFiles).length > 0) result.files = contextFiles;
  if (Object.keys(args).length > 0) result.args = args;
  return result;
}
