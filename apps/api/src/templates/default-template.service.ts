import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { TemplatesRepository } from '#persistence';
import { TemplatesService } from './templates.service.js';

export const DEFAULT_TEMPLATE_NAME = 'default';

/** Seeds the default template once; an admin who archives or edits it later keeps their change. */
@Injectable()
export class DefaultTemplateService implements OnApplicationBootstrap {
  private readonly logger = new Logger(DefaultTemplateService.name);

  constructor(
    private readonly templates: TemplatesService,
    private readonly repository: TemplatesRepository,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await this.repository.findByName(DEFAULT_TEMPLATE_NAME)) return;
    try {
      await this.templates.create(
        {
          name: DEFAULT_TEMPLATE_NAME,
          description: 'Debian bookworm with bash, git, curl and sudo; your home directory persists across rebuilds.',
          spec: {
            image: this.config.BERTH_DEFAULT_IMAGE,
            user: '1000:1000',
            homePath: '/home/dev',
            env: { LANG: 'C.UTF-8' },
          },
        },
        null,
      );
      this.logger.log(`seeded template "${DEFAULT_TEMPLATE_NAME}" (${this.config.BERTH_DEFAULT_IMAGE})`);
    } catch (error) {
      // Another API process seeding at the same moment is fine; anything else is worth a warning.
      this.logger.warn(`default template not seeded: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
