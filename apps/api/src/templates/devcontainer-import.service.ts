import { Injectable } from '@nestjs/common';
import { BerthError, ErrorCode, importDevcontainer, type UnsupportedKey } from '#domain';
import { TemplateSpecChecker } from './template-spec.checker.js';
import { type ImportDevcontainerDto, type TemplateView } from './templates.dto.js';
import { TemplatesService } from './templates.service.js';

export interface DevcontainerImportResult {
  /** The created template (absent on a dry run). */
  template?: TemplateView;
  spec: Record<string, unknown>;
  /** Every key that was not carried over, with why: nothing is dropped silently. */
  unsupported: UnsupportedKey[];
  notes: string[];
}

/** devcontainer.json → a new template, through the same validation as any other spec. */
@Injectable()
export class DevcontainerImportService {
  constructor(
    private readonly templates: TemplatesService,
    private readonly checker: TemplateSpecChecker,
  ) {}

  async import(dto: ImportDevcontainerDto, createdById: string): Promise<DevcontainerImportResult> {
    const mapped = importDevcontainer({ devcontainer: dto.devcontainer, files: dto.files, allowRoot: dto.allowRoot });
    const problems = this.checker.problems(mapped.spec);
    const first = problems[0];
    if (first) {
      throw new BerthError(ErrorCode.Validation, `the imported spec is not valid: ${first.field}: ${first.message}`, {
        field: first.field,
        problems,
        unsupported: mapped.unsupported,
      });
    }
    const result = { spec: mapped.spec, unsupported: mapped.unsupported, notes: mapped.notes };
    if (dto.dryRun) return result;
    const template = await this.templates.create(
      {
        name: dto.name,
        description: dto.description ?? '',
        spec: mapped.spec,
        message: 'imported from devcontainer.json',
      },
      createdById,
    );
    return { template, ...result };
  }
}
