import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '#auth';
import { type BuildView, CreateWorkspaceDto, type WorkspaceView } from './workspaces.dto.js';
import { WorkspacesService } from './workspaces.service.js';

@ApiTags('workspaces')
@Controller('workspaces')
export class WorkspacesController {
  constructor(private readonly workspaces: WorkspacesService) {}

  @Post()
  @HttpCode(202)
  create(@CurrentUser() user: AuthenticatedUser, @Body() dto: CreateWorkspaceDto): Promise<WorkspaceView> {
    return this.workspaces.create(user, dto);
  }

  @Get()
  list(@CurrentUser() user: AuthenticatedUser): Promise<WorkspaceView[]> {
    return this.workspaces.list(user);
  }

  @Get(':id')
  get(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string): Promise<WorkspaceView> {
    return this.workspaces.get(user, id);
  }

  @Post(':id/start')
  @HttpCode(202)
  async start(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string): Promise<{ build: BuildView }> {
    return { build: await this.workspaces.transition(user, id, 'start') };
  }

  @Post(':id/stop')
  @HttpCode(202)
  async stop(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string): Promise<{ build: BuildView }> {
    return { build: await this.workspaces.transition(user, id, 'stop') };
  }

  @Post(':id/restart')
  @HttpCode(202)
  async restart(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string): Promise<{ build: BuildView }> {
    return { build: await this.workspaces.transition(user, id, 'restart') };
  }

  @Post(':id/rebuild')
  @HttpCode(202)
  async rebuild(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string): Promise<{ build: BuildView }> {
    return { build: await this.workspaces.transition(user, id, 'rebuild') };
  }

  @Delete(':id')
  @HttpCode(202)
  async remove(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string): Promise<{ build: BuildView }> {
    return { build: await this.workspaces.transition(user, id, 'delete') };
  }

  @Get(':id/builds')
  builds(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string): Promise<BuildView[]> {
    return this.workspaces.listBuilds(user, id);
  }

  @Get(':id/builds/:buildId')
  build(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string, @Param('buildId', ParseUUIDPipe) buildId: string): Promise<BuildView> {
    return this.workspaces.getBuild(user, id, buildId);
  }
}
