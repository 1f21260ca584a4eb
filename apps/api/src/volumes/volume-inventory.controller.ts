import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '#auth';
import { VolumeInventoryService, type VolumeInventoryView, type VolumeItemView } from './volume-inventory.service.js';
import { Operation } from '../common/api-operation.js';

/** Admins: every Berth home volume, with orphans; actions never delete. */
@ApiTags('admin')
@Controller('admin/volumes')
export class VolumeInventoryController {
  constructor(private readonly inventory: VolumeInventoryService) {}

  @Operation({ id: 'listVolumes', summary: 'Every home volume, with orphans', status: 200, returns: 'VolumeList' })
  @Get()
  list(): Promise<VolumeInventoryView> {
    return this.inventory.list();
  }

  /** An orphan volume (labels, no workspace row) becomes a trashed workspace, to restore or purge. */
  @Operation({
    id: 'adoptVolume',
    summary: 'Adopt an orphan volume into the trash',
    status: 200,
    returns: 'VolumeItem',
    errors: [409],
  })
  @Post(':workspaceId/adopt')
  @HttpCode(200)
  adopt(
    @CurrentUser() user: AuthenticatedUser,
    @Param('workspaceId', ParseUUIDPipe) workspaceId: string,
  ): Promise<VolumeItemView> {
    return this.inventory.adopt(user.id, workspaceId);
  }

  /** Records the volume in the audit log for whoever looks after the engine; changes nothing. */
  @Operation({ id: 'reportVolume', summary: 'Record a volume in the audit log', status: 200, returns: 'VolumeItem' })
  @Post(':workspaceId/report')
  @HttpCode(200)
  report(@Param('workspaceId', ParseUUIDPipe) workspaceId: string): Promise<VolumeItemView> {
    return this.inventory.report(workspaceId);
  }
}
