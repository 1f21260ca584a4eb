import { Module } from '@nestjs/common';
import { QueueModule } from '#queue';
import { DefaultTemplateService } from './default-template.service.js';
import { DevcontainerImportService } from './devcontainer-import.service.js';
import { TemplateRolloutService } from './template-rollout.service.js';
import { TemplateSpecChecker } from './template-spec.checker.js';
import { TemplateVersionsService } from './template-versions.service.js';
import { TemplatesController } from './templates.controller.js';
import { TemplatesService } from './templates.service.js';
import { TemplatePoolController } from './pool.controller.js';
import { TemplatePoolService } from './pool.service.js';

@Module({
  imports: [QueueModule.register('producer')],
  controllers: [TemplatesController, TemplatePoolController],
  providers: [
    TemplatesService,
    TemplateVersionsService,
    TemplateRolloutService,
    TemplateSpecChecker,
    DefaultTemplateService,
    DevcontainerImportService,
    TemplatePoolService,
  ],
  exports: [TemplateSpecChecker],
})
export class TemplatesModule {}
