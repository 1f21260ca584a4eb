import { Injectable } from '@nestjs/common';
import { conflict, notFound, storedSpec, type SpecProblem } from '#domain';
import { isUniqueViolation, TemplatesRepository } from '#persistence';
import { TemplateBuildsProducer } from '#queue';
import { TemplateSpecChecker } from './template-spec.checker.js';
import { toTemplateView } from './template.views.js';
import { type CreateTemplateDto, type TemplateView } from './templates.dto.js';

@Injectable()
export class TemplatesService {
  constructor(
    private readonly templates: TemplatesRepository,
    private readonly checker: TemplateSpecChecker,
    private readonly builds: TemplateBuildsProducer,
  ) {}

  /** Version 1 is created and promoted at once; its image is built (or pulled) by a queued job. */
  async create(dto: CreateTemplateDto, createdById: string | null): Promise<TemplateView> {
    // Stored normalised (defaults filled in), so a later change of a default never changes a version.
    const spec = this.checker.check(dto.spec);
    let created;
    try {
      created = await this.templates.createWithFirstVersion({
        name: dto.name,
        description: dto.description ?? '',
        createdById,
        spec: storedSpec(spec),
        message: dto.message ?? 'initial version',
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`a template named ${dto.name} already exists`, { field: 'name' });
      throw error;
    }
    if (created.active) await this.builds.enqueue(created.active.id);
    return toTemplateView(created);
  }

  async list(): Promise<TemplateView[]> {
    return (await this.templates.list()).map(toTemplateView);
  }

  async get(id: string): Promise<TemplateView> {
    const found = await this.templates.findById(id);
    if (!found) throw notFound('template');
    return toTemplateView(found);
  }

  /** Archive: hidden from the catalogue and from new workspaces; existing ones keep working. */
  async archive(id: string): Promise<void> {
    if (!(await this.templates.archive(id))) throw notFound('template');
  }

  /** Every problem at once, for the portal's editor. */
  validate(spec: unknown): { valid: boolean; problems: SpecProblem[] } {
    const problems = this.checker.problems(spec);
    return { valid: problems.length === 0, problems };
  }
}
