import { PortUrls } from './port-urls.service.js';
import { Module } from '@nestjs/common';
import { QueueModule } from '#queue';
import { WorkspacesController } from './workspaces.controller.js';
import { WorkspacesService } from './workspaces.service.js';
import { WorkspaceEventsService } from './workspace-events.service.js';
import { QuotaService } from './quota.service.js';
import { WorkspaceRecoveryService } from './workspace-recovery.service.js';

@Module({
  imports: [QueueModule.register('producer')],
  controllers: [WorkspacesController],
  providers: [WorkspacesService, WorkspaceEventsService, WorkspaceRecoveryService, QuotaService, PortUrls],
  exports: [WorkspacesService, QuotaService, QueueModule],
})
export class WorkspacesModule {}
