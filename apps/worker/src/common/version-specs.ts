import { parseTemplateSpec, type TemplateSpec } from '#domain';
import { type TemplatesRepository } from '#persistence';

/**
 * Template versions' parsed specs for one pass of a control loop: each version is read once,
 * however many workspaces use it (versions are immutable, so a pass-long memo is safe).
 */
export class VersionSpecs {
  private readonly specs = new Map<string, TemplateSpec | null>();

  constructor(private readonly templates: TemplatesRepository) {}

  async of(templateId: string, version: number): Promise<TemplateSpec | null> {
    const key = `${templateId}:${version}`;
    if (!this.specs.has(key)) {
      const found = await this.templates.findVersion(templateId, version);
      this.specs.set(key, found ? parseTemplateSpec(found.spec) : null);
    }
    return this.specs.get(key) ?? null;
  }
}
