import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '#auth';
import { type BuildView } from './workspaces.dto.js';
import { type SnapshotView } from './snapshot.views.js';
import { SnapshotsService } from './snapshots.service.js';

@ApiTags('snapshots')
@Controller('workspaces/:id/snapshots')
export class SnapshotsController {
  constructor(private readonly snapshots: SnapshotsService) {}

  /** 202: the worker writes it; its status ends `ready` or `failed`. */
  @Post()
  @HttpCode(202)
  take(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<{ id: string; status: string }> {
    return this.snapshots.take(user, id);
  }

  @Get()
  list(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<{ items: SnapshotView[]; nextCursor: null }> {
    return this.snapshots.list(user, id);
  }

  @Get(':snapshotId')
  get(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('snapshotId', ParseUUIDPipe) snapshotId: string,
  ): Promise<SnapshotView> {
    return this.snapshots.get(user, id, snapshotId);
  }

  /** 202 {build}: a `restore` transition; the current home is snapshotted first, so it can be undone. */
  @Post(':snapshotId/restore')
  @HttpCode(202)
  async restore(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('snapshotId', ParseUUIDPipe) snapshotId: string,
  ): Promise<{ build: BuildView }> {
    return { build: await this.snapshots.restore(user, id, snapshotId) };
  }

  @Delete(':snapshotId')
  @HttpCode(204)
  remove(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('snapshotId', ParseUUIDPipe) snapshotId: string,
  ): Promise<void> {
    return this.snapshots.remove(user, id, snapshotId);
  }
}
