import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '#auth';
import { type BuildView } from './workspaces.dto.js';
import { type SnapshotView } from './snapshot.views.js';
import { SnapshotsService } from './snapshots.service.js';
import { Operation } from '../common/api-operation.js';

@ApiTags('snapshots')
@Controller('workspaces/:id/snapshots')
export class SnapshotsController {
  constructor(private readonly snapshots: SnapshotsService) {}

  /** 202: the worker writes it; its status ends `ready` or `failed`. */
  @Operation({
    id: 'takeSnapshot',
    summary: "Snapshot a workspace's home volume",
    status: 202,
    returns: 'SnapshotAccepted',
    errors: [409],
  })
  @Post()
  @HttpCode(202)
  take(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<{ id: string; status: string }> {
    return this.snapshots.take(user, id);
  }

  @Operation({
    id: 'listSnapshots',
    summary: 'List the snapshots of a workspace',
    status: 200,
    returns: 'SnapshotList',
  })
  @Get()
  list(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<{ items: SnapshotView[]; nextCursor: null }> {
    return this.snapshots.list(user, id);
  }

  @Operation({ id: 'getSnapshot', summary: 'Get a snapshot', status: 200, returns: 'Snapshot' })
  @Get(':snapshotId')
  get(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('snapshotId', ParseUUIDPipe) snapshotId: string,
  ): Promise<SnapshotView> {
    return this.snapshots.get(user, id, snapshotId);
  }

  /** 202 {build}: a `restore` transition; the current home is snapshotted first, so it can be undone. */
  @Operation({
    id: 'restoreSnapshot',
    summary: 'Restore a snapshot into the home volume',
    status: 202,
    returns: 'BuildAccepted',
    errors: [409],
  })
  @Post(':snapshotId/restore')
  @HttpCode(202)
  async restore(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('snapshotId', ParseUUIDPipe) snapshotId: string,
  ): Promise<{ build: BuildView }> {
    return { build: await this.snapshots.restore(user, id, snapshotId) };
  }

  @Operation({ id: 'deleteSnapshot', summary: 'Delete a snapshot', status: 204, returns: 'none', errors: [409] })
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
