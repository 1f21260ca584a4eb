import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '#auth';
import { PurgeQueryDto, type TrashListView } from './trash.dto.js';
import { TrashService } from './trash.service.js';
import { Operation } from '../common/api-operation.js';

@ApiTags('trash')
@Controller('trash')
export class TrashController {
  constructor(private readonly trash: TrashService) {}

  @Operation({
    id: 'listTrash',
    summary: 'List deleted workspaces whose homes are kept',
    status: 200,
    returns: 'TrashList',
  })
  @Get()
  list(@CurrentUser() user: AuthenticatedUser): Promise<TrashListView> {
    return this.trash.list(user);
  }

  /** Brings the workspace back, stopped, with its home volume. */
  @Operation({
    id: 'restoreFromTrash',
    summary: 'Bring a deleted workspace back, stopped',
    status: 200,
    returns: 'TrashRestored',
    errors: [409],
  })
  @Post(':workspaceId/restore')
  @HttpCode(200)
  restore(
    @CurrentUser() user: AuthenticatedUser,
    @Param('workspaceId', ParseUUIDPipe) workspaceId: string,
  ): Promise<{ workspaceId: string; status: string }> {
    return this.trash.restore(user, workspaceId);
  }

  /** Deletes the home volume for good (the worker removes it within a pass). */
  @Operation({
    id: 'purgeFromTrash',
    summary: "Delete a trashed workspace's home for good",
    status: 202,
    returns: 'none',
    errors: [409],
  })
  @Delete(':workspaceId')
  @HttpCode(202)
  purge(
    @CurrentUser() user: AuthenticatedUser,
    @Param('workspaceId', ParseUUIDPipe) workspaceId: string,
    @Query() query: PurgeQueryDto,
  ): Promise<void> {
    return this.trash.purge(user, workspaceId, query.confirm);
  }
}
