import { Injectable, Logger } from '@nestjs/common';
import { PoolRepository } from '#persistence';
import { TemplateVersionsService } from './template-versions.service.js';
import { toVersionView } from './template.views.js';
import { type TemplateVersionView } from './templates.dto.js';

/**
 * Sets a version's warm pool size. Nothing else happens here: the worker's pool keeper fills or
 * drains slots on its next pass (apps/worker/src/pool/), and only for the promoted version.
 */
@Injectable()
export class TemplatePoolService {
  private readonly logger = new Logger(TemplatePoolService.name);

  constructor(
    private readonly versions: TemplateVersionsService,
    private readonly pool: PoolRepository,
  ) {}

  async setSize(templateId: string, version: number, size: number): Promise<TemplateVersionView> {
    const found = await this.versions.find(templateId, version);
    const updated = await this.pool.setSize(found.id, size);
    this.logger.log(`warm pool of template ${templateId} v${version}: ${size} slot(s)`);
    return toVersionView(updated);
  }
}
