import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentUser, SharedResource, type AuthenticatedUser } from '#auth';
import { type Page, type SpecProblem } from '#domain';
import { PageQueryDto } from '../common/list-query.dto.js';
import { TemplateRolloutService, type WorkspaceImpact } from './template-rollout.service.js';
import { TemplateVersionsService } from './template-versions.service.js';
import { BoundedIntPipe } from '../common/bounded-int.pipe.js';
import { DevcontainerImportService, type DevcontainerImportResult } from './devcontainer-import.service.js';
import {
  CreateTemplateDto,
  CreateVersionDto,
  ImportDevcontainerDto,
  ValidateSpecDto,
  type TemplateVersionView,
  type TemplateView,
} from './templates.dto.js';
import { TemplatesService } from './templates.service.js';
import { Operation } from '../common/api-operation.js';

@ApiTags('templates')
@SharedResource()
@Controller('templates')
export class TemplatesController {
  constructor(
    private readonly templates: TemplatesService,
    private readonly versions: TemplateVersionsService,
    private readonly rollout: TemplateRolloutService,
    private readonly devcontainers: DevcontainerImportService,
  ) {}

  @Operation({
    id: 'listTemplates',
    summary: 'List the template catalogue',
    status: 200,
    returns: { pageOf: 'Template' },
  })
  @Get()
  list(@Query() query: PageQueryDto): Promise<TemplateView[] | Page<TemplateView>> {
    return this.templates.list(query);
  }

  @Operation({ id: 'getTemplate', summary: 'Get a template', status: 200, returns: 'Template' })
  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<TemplateView> {
    return this.templates.get(id);
  }
  @Operation({
    id: 'createTemplate',
    summary: 'Create a template and its first version',
    status: 201,
    returns: 'Template',
    errors: [409],
  })
  @Post()
  create(@Body() dto: CreateTemplateDto, @CurrentUser() user: AuthenticatedUser): Promise<TemplateView> {
    return this.templates.create(dto, user.id);
  }

  /** Lint for the editor: every problem of a spec at once, nothing stored. */
  @Operation({
    id: 'validateTemplateSpec',
    summary: 'Check a template spec without storing it',
    status: 200,
    returns: 'SpecValidation',
  })
  @Post('validate')
  @HttpCode(200)
  validate(@Body() dto: ValidateSpecDto): { valid: boolean; problems: SpecProblem[] } {
    return this.templates.validate(dto.spec);
  }

  /** A template from a devcontainer.json; the answer lists every key that was not carried over. */
  @Operation({
    id: 'importDevcontainer',
    summary: 'Create a template from a devcontainer.json',
    status: 201,
    returns: 'DevcontainerImport',
    errors: [409],
  })
  @Post('import/devcontainer')
  @HttpCode(201)
  importDevcontainer(
    @Body() dto: ImportDevcontainerDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<DevcontainerImportResult> {
    return this.devcontainers.import(dto, user.id);
  }
  @Operation({ id: 'archiveTemplate', summary: 'Archive a template', status: 204, returns: 'none', errors: [409] })
  @Delete(':id')
  @HttpCode(204)
  archive(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.templates.archive(id);
  }

  @Operation({
    id: 'listTemplateVersions',
    summary: 'List the versions of a template',
    status: 200,
    returns: { listOf: 'TemplateVersion' },
  })
  @Get(':id/versions')
  listVersions(@Param('id', ParseUUIDPipe) id: string): Promise<TemplateVersionView[]> {
    return this.versions.list(id);
  }
  @Operation({
    id: 'createTemplateVersion',
    summary: 'Create a new version of a template',
    status: 201,
    returns: 'TemplateVersion',
  })
  @Post(':id/versions')
  createVersion(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateVersionDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<TemplateVersionView> {
    return this.versions.create(id, dto, user.id);
  }

  /** One version with its image build log. */
  @Operation({
    id: 'getTemplateVersion',
    summary: 'Get a template version with its build log',
    status: 200,
    returns: 'TemplateVersion',
  })
  @Get(':id/versions/:n')
  getVersion(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('n', new BoundedIntPipe('n')) n: number,
  ): Promise<TemplateVersionView> {
    return this.versions.get(id, n);
  }
  @Operation({
    id: 'promoteTemplateVersion',
    summary: 'Promote a version for new workspaces',
    status: 200,
    returns: 'Template',
    errors: [409],
  })
  @Post(':id/versions/:n/promote')
  @HttpCode(200)
  promote(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('n', new BoundedIntPipe('n')) n: number,
  ): Promise<TemplateView> {
    return this.versions.promote(id, n);
  }

  /** Rollout dry-run: what moving each older workspace to version n would change. */
  @Operation({
    id: 'getRolloutImpact',
    summary: 'What moving workspaces to a version would change',
    status: 200,
    returns: 'RolloutImpact',
  })
  @Get(':id/versions/:n/impact')
  impact(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('n', new BoundedIntPipe('n')) n: number,
  ): Promise<{ templateId: string; version: number; workspaces: WorkspaceImpact[] }> {
    return this.rollout.impact(id, n);
  }
}
