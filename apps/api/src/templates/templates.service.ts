import { Injectable } from '@nestjs/common';
import { conflict, notFound, parseTemplateSpec } from '#domain';
import { isUniqueViolation, TemplatesRepository, type TemplateWithActive } from '#persistence';
import { type CreateTemplateDto, type TemplateView } from './templates.dto.js';

@Injectable()
export class TemplatesService {
  constructor(private readonly templates: TemplatesRepository) {}

  async create(dto: CreateTemplateDto, createdById: string | null): Promise<TemplateView> {
    // Stored normalised (defaults filled in), so a later change of a default never changes a version.
    const spec = parseTemplateSpec(dto.spec);
    try {
      const created = await this.templates.createWithFirstVersion({
        name: dto.name, description: dto.description ?? '', createdById, spec: JSON.parse(JSON.stringify(spec)) as object, status: 'pending',
      });
      return toTemplateView(created);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`a template named ${dto.name} already exists`, { field: 'name' });
      throw error;
    }
  }

  async list(): Promise<TemplateView[]> {
    return (await this.templates.list()).map(toTemplateView);
  }

  async get(id: string): Promise<TemplateView> {
    const found = await this.templates.findById(id);
    if (!found) throw notFound('template');
    return toTemplateView(found);
  }
}

export function toTemplateView(t: TemplateWithActive): TemplateView {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    activeVersion: t.activeVersion,
    active: t.active && {
      version: t.active.version,
      status: t.active.status,
      imageDigest: t.active.imageDigest,
      spec: t.active.spec,
      createdAt: t.active.createdAt.toISOString(),
    },
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}
