import { type SpecProblem, type TemplateSpec } from './template-spec.js';

/**
 * Which images templates may use, as admin-maintained glob patterns (`*` matches anything,
 * e.g. `berth/*`, `registry.example.com/team/*`). Checked for `image` and for every `FROM` of a
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

/** Base images of a Dockerfile: every FROM except `scratch` and earlier build stages. */
export function dockerfileBaseImages(dockerfile: string): string[] {
  const stages = new Set<string>();
  const bases: string[] = [];
  for (const raw of dockerfile.split(/\r?\n/)) {
    const match = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(raw);
    if (!match?.[1]) continue;
    const image = match[1];
    if (image !== 'scratch' && !stages.has(image.toLowerCase())) bases.push(image);
    if (match[2]) stages.add(match[2].toLowerCase());
  }
  return bases;
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
  const bases = spec.build ? dockerfileBaseImages(spec.build.dockerfile) : [];
  if (spec.build && bases.length === 0)
    return [{ field: 'spec.build.dockerfile', message: 'the Dockerfile has no FROM line' }];
  return bases
    .filter((base) => !imageAllowed(base, patterns))
    .map((base) => ({
      field: 'spec.build.dockerfile',
      message: `base image ${base} is not in the allowlist (${patterns.join(', ')})`,
    }));
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*')}$`,
  );
}
