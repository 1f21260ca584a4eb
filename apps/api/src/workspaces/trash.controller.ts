import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '#auth';
import { PurgeQueryDto, type TrashListView } from './trash.dto.js';
import { TrashService } from './trash.service.js';

@ApiTags('trash')
@Controller('trash')
export class TrashController {
  constructor(private readonly trash: TrashService) {}

  @Get()
  list(@CurrentUser() user: AuthenticatedUser): Promise<TrashListView> {
    return this.trash.list(user);
  }

  /** Brings the workspace back, stopped, with its home volume. */
  @Post(':workspaceId/restore')
  @HttpCode(200)
  restore(
    @CurrentUser() user: AuthenticatedUser,
    @Param('workspaceId', ParseUUIDPipe) workspaceId: string,
  ): Promise<{ workspaceId: string; status: string }> {
    return this.trash.restore(user, workspaceId);
  }

  /** Deletes the home volume for good (the worker removes it within a pass). */
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
