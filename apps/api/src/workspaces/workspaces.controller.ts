import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { type Request, type Response } from 'express';
import { type ContainerStats } from '#runtime';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import { assertAllowedOrigin, CurrentUser, type AuthenticatedUser } from '#auth';
import { pipeSse } from '../common/sse.js';
import { LiveConnections } from '../common/live-connections.js';
import { WorkspaceEventsService } from './workspace-events.service.js';
import { WorkspaceRecoveryService } from './workspace-recovery.service.js';
import {
  type BuildView,
  CreateWorkspaceDto,
  RebuildOptionsDto,
  TransferWorkspaceDto,
  type WorkspaceView,
} from './workspaces.dto.js';
import { WorkspacesService } from './workspaces.service.js';
import { ClientGone } from '../common/client-gone.js';
import { type Page } from '#domain';
import { ListWorkspacesQueryDto, WaitForQueryDto } from './workspace-queries.dto.js';
import { WorkspaceQueriesService } from './workspace-queries.service.js';
import { PurgeQueryDto } from './trash.dto.js';
import { Operation } from '../common/api-operation.js';

@ApiTags('workspaces')
@Controller('workspaces')
export class WorkspacesController {
  constructor(
    private readonly workspaces: WorkspacesService,
    private readonly events: WorkspaceEventsService,
    private readonly recovery: WorkspaceRecoveryService,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly live: LiveConnections,
    private readonly queries: WorkspaceQueriesService,
  ) {}
  @Operation({
    id: 'createWorkspace',
    summary: 'Create a workspace; its first start is queued',
    status: 202,
    returns: 'Workspace',
    errors: [409, 503],
  })
  @Post()
  @HttpCode(202)
  create(@CurrentUser() user: AuthenticatedUser, @Body() dto: CreateWorkspaceDto): Promise<WorkspaceView> {
    return this.workspaces.create(user, dto);
  }

  @Operation({
    id: 'listWorkspaces',
    summary: 'List workspaces (yours; admins see all)',
    status: 200,
    returns: { pageOf: 'Workspace' },
  })
  @Get()
  list(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: ListWorkspacesQueryDto,
  ): Promise<WorkspaceView[] | Page<WorkspaceView>> {
    return this.queries.list(user, query);
  }

  /** With `waitFor`, answers once that status (or failed) is reached, or at `timeout` seconds. */
  @Operation({
    id: 'getWorkspace',
    summary: 'Get a workspace, or wait until it reaches a status',
    status: 200,
    returns: 'Workspace',
  })
  @Get(':id')
  get(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: WaitForQueryDto,
    @ClientGone() clientGone: AbortSignal,
  ): Promise<WorkspaceView> {
    if (query.waitFor) return this.queries.waitFor(user, id, query.waitFor, query.timeout, clientGone);
    return this.workspaces.get(user, id);
  }
  @Operation({
    id: 'startWorkspace',
    summary: 'Start a workspace',
    status: 202,
    returns: 'BuildAccepted',
    errors: [409, 503],
  })
  @Post(':id/start')
  @HttpCode(202)
  async start(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<{ build: BuildView }> {
    return { build: await this.workspaces.transition(user, id, 'start') };
  }
  @Operation({
    id: 'stopWorkspace',
    summary: 'Stop a workspace',
    status: 202,
    returns: 'BuildAccepted',
    errors: [409, 503],
  })
  @Post(':id/stop')
  @HttpCode(202)
  async stop(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<{ build: BuildView }> {
    return { build: await this.workspaces.transition(user, id, 'stop') };
  }
  @Operation({
    id: 'restartWorkspace',
    summary: 'Restart a workspace',
    status: 202,
    returns: 'BuildAccepted',
    errors: [409, 503],
  })
  @Post(':id/restart')
  @HttpCode(202)
  async restart(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<{ build: BuildView }> {
    return { build: await this.workspaces.transition(user, id, 'restart') };
  }
  @Operation({
    id: 'rebuildWorkspace',
    summary: 'Rebuild the container, keeping the home volume',
    status: 202,
    returns: 'BuildAccepted',
    errors: [409, 503],
  })
  @Post(':id/rebuild')
  @HttpCode(202)
  async rebuild(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() options: RebuildOptionsDto,
  ): Promise<{ build: BuildView }> {
    return { build: await this.workspaces.transition(user, id, 'rebuild', options) };
  }

  /** Moves the workspace to the template's promoted version, keeping its volume (409 if already there). */
  @Operation({
    id: 'updateWorkspace',
    summary: "Move a workspace to the template's promoted version",
    status: 202,
    returns: 'BuildAccepted',
    errors: [409, 503],
  })
  @Post(':id/update')
  @HttpCode(202)
  async update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() options: RebuildOptionsDto,
  ): Promise<{ build: BuildView }> {
    return { build: await this.workspaces.transition(user, id, 'update', options) };
  }

  /** Admins: hands the workspace, its home and its snapshots to another user (audited). */
  @Operation({
    id: 'transferWorkspace',
    summary: 'Hand a workspace to another user',
    status: 200,
    returns: 'Workspace',
    errors: [409],
  })
  @Post(':id/transfer')
  @HttpCode(200)
  transfer(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: TransferWorkspaceDto,
  ): Promise<WorkspaceView> {
    return this.workspaces.transfer(user, id, dto.ownerId);
  }

  /** Counts as activity, postponing an idle stop (the portal's "keep it running"). */
  @Operation({
    id: 'recordWorkspaceActivity',
    summary: 'Count as activity, postponing an idle stop',
    status: 204,
    returns: 'none',
  })
  @Post(':id/activity')
  @HttpCode(204)
  activity(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.workspaces.recordActivity(user, id);
  }

  /** Repairs a failed or stuck workspace from the container's actual state; the volume is untouched. */
  @Operation({
    id: 'recoverWorkspace',
    summary: 'Repair a failed or stuck workspace',
    status: 200,
    returns: 'Workspace',
    errors: [409],
  })
  @Post(':id/recover')
  @HttpCode(200)
  recover(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string): Promise<WorkspaceView> {
    return this.recovery.recover(user, id);
  }
  @Operation({
    id: 'deleteWorkspace',
    summary: 'Delete a workspace (its home goes to the trash)',
    status: 202,
    returns: 'BuildAccepted',
    errors: [409, 503],
  })
  @Delete(':id')
  @HttpCode(202)
  async remove(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: PurgeQueryDto,
  ): Promise<{ build: BuildView }> {
    return { build: await this.workspaces.delete(user, id, query) };
  }

  /** Server-Sent Events: `status` (current first, then each change) and `log` (build lines). */
  @Operation({
    id: 'streamWorkspaceEvents',
    summary: 'Stream status and build log events (SSE)',
    status: 200,
    returns: 'event-stream',
  })
  @Get(':id/events')
  @ApiProduces('text/event-stream')
  async eventStream(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Req() req: Request,
    @Res() res: Response,
    @Headers('origin') origin?: string,
  ): Promise<void> {
    assertAllowedOrigin(origin, this.config);
    pipeSse(req, res, await this.events.stream(user, id), this.live);
  }

  @Operation({
    id: 'getWorkspaceStats',
    summary: 'CPU and memory use of a workspace',
    status: 200,
    returns: 'WorkspaceStats',
  })
  @Get(':id/stats')
  stats(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ContainerStats & { running: boolean }> {
    return this.workspaces.stats(user, id);
  }

  @Operation({ id: 'listBuilds', summary: 'List the builds of a workspace', status: 200, returns: { listOf: 'Build' } })
  @Get(':id/builds')
  builds(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string): Promise<BuildView[]> {
    return this.workspaces.listBuilds(user, id);
  }
  @Operation({
    id: 'cancelBuild',
    summary: 'Cancel a build in flight',
    status: 202,
    returns: 'BuildAccepted',
    errors: [409],
  })
  @Post(':id/builds/:buildId/cancel')
  @HttpCode(202)
  async cancel(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('buildId', ParseUUIDPipe) buildId: string,
  ): Promise<{ build: BuildView }> {
    return { build: await this.workspaces.cancelBuild(user, id, buildId) };
  }

  @Operation({ id: 'getBuild', summary: 'Get a build with its log', status: 200, returns: 'Build' })
  @Get(':id/builds/:buildId')
  build(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('buildId', ParseUUIDPipe) buildId: string,
  ): Promise<BuildView> {
    return this.workspaces.getBuild(user, id, buildId);
  }
}
