import { Inject, Injectable } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import {
  allowlistProblems,
  BerthError,
  ErrorCode,
  lintTemplateSpec,
  parseAllowlist,
  templateSpecSchema,
  type SpecProblem,
  type TemplateSpec,
} from '#domain';

/**
 * The one gate every spec passes (create, new version, import, lint): the domain validator plus
 * the admin's image allowlist. `check` throws a 400 naming the first field (all problems listed).
 */
@Injectable()
export class TemplateSpecChecker {
  constructor(@Inject(BERTH_CONFIG) private readonly config: BerthConfig) {}

  problems(input: unknown): SpecProblem[] {
    const problems = lintTemplateSpec(input);
    if (problems.length > 0) return problems;
    return allowlistProblems(templateSpecSchema.parse(input), parseAllowlist(this.config.BERTH_IMAGE_ALLOWLIST));
  }

  /** The normalised spec (defaults filled in), as stored in a version. */
  check(input: unknown): TemplateSpec {
    const problems = this.problems(input);
    const first = problems[0];
    if (first)
      throw new BerthError(ErrorCode.Validation, `${first.field}: ${first.message}`, { field: first.field, problems });
    return templateSpecSchema.parse(input);
  }
}
