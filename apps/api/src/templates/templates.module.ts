import { Module } from '@nestjs/common';
import { DefaultTemplateService } from './default-template.service.js';
import { TemplatesController } from './templates.controller.js';
import { TemplatesService } from './templates.service.js';

@Module({ controllers: [TemplatesController], providers: [TemplatesService, DefaultTemplateService] })
export class TemplatesModule {}
