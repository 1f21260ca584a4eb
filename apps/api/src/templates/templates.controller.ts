import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentUser, RequiresScope, Roles, SharedResource, type AuthenticatedUser } from '#auth';
import { CreateTemplateDto, type TemplateView } from './templates.dto.js';
import { TemplatesService } from './templates.service.js';

@ApiTags('templates')
@SharedResource()
@RequiresScope('templates:read')
@Controller('templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  list(): Promise<TemplateView[]> {
    return this.templates.list();
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<TemplateView> {
    return this.templates.get(id);
  }

  @Roles('admin')
  @RequiresScope('templates:write')
  @Post()
  create(@Body() dto: CreateTemplateDto, @CurrentUser() user: AuthenticatedUser): Promise<TemplateView> {
    return this.templates.create(dto, user.id);
  }
}
