import { dockerfileProblems } from './dockerfile.js';
import { type SpecProblem, type TemplateSpec } from './template-spec.js';

/**
 * Which images templates may use, as admin-maintained glob patterns (`*` matches anything,
 * e.g. `berth/*`, `registry.example.com/team/*`). Checked for `image` and for every image reference of a
 * Dockerfile, so a build cannot smuggle in an image an `image:` line could not use.
 */
export function imageAllowed(ref: string, patterns: readonly string[]): boolean {
  const name = ref.split('@')[0] ?? ref;
  return patterns.some((pattern) => globToRegExp(pattern).test(name) || globToRegExp(pattern).test(ref));
}

export function parseAllowlist(value: string): string[] {
  return value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

/** Problems (field + message) for every image of the spec outside the allowlist. */
export function allowlistProblems(
  spec: Pick<TemplateSpec, 'image' | 'build'>,
  patterns: readonly string[],
): SpecProblem[] {
  if (spec.image) {
    return imageAllowed(spec.image, patterns)
      ? []
      : [{ field: 'spec.image', message: `image ${spec.image} is not in the allowlist (${patterns.join(', ')})` }];
  }
  if (!spec.build) return [];
  // Every image reference of the Dockerfile (FROM, COPY --from, RUN --mount from=, ADD <url>), by line.
  return dockerfileProblems(spec.build.dockerfile, (ref) => imageAllowed(ref, patterns), spec.build.args).map(
    (problem) => ({
      field: 'spec.build.dockerfile',
      message: problem.message.endsWith('is not in the allowlist')
        ? `${problem.message} (${patterns.join(', ')})`
        : problem.message,
    }),
  );
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*')}$`,
  );
}
