import { PortUrls } from './port-urls.service.js';
import { Module } from '@nestjs/common';
import { QueueModule } from '#queue';
import { SnapshotStoreModule } from '#runtime';
import { WorkspacesController } from './workspaces.controller.js';
import { WorkspacesService } from './workspaces.service.js';
import { WorkspaceEventsService } from './workspace-events.service.js';
import { QuotaService } from './quota.service.js';
import { WorkspaceRecoveryService } from './workspace-recovery.service.js';
import { WorkspaceQueriesService } from './workspace-queries.service.js';
import { SnapshotsController } from './snapshots.controller.js';
import { SnapshotsService } from './snapshots.service.js';
import { TrashController } from './trash.controller.js';
import { TrashService } from './trash.service.js';
import { WarmPoolClaims } from './warm-pool-claims.js';

/** Workspaces and their home data: snapshots and the trash (README "Your data"). */
@Module({
  imports: [QueueModule.register('producer'), SnapshotStoreModule],
  controllers: [WorkspacesController, SnapshotsController, TrashController],
  providers: [
    WorkspacesService,
    WorkspaceQueriesService,
    WorkspaceEventsService,
    WorkspaceRecoveryService,
    QuotaService,
    PortUrls,
    SnapshotsService,
    TrashService,
    WarmPoolClaims,
  ],
  exports: [WorkspacesService, QuotaService, QueueModule],
})
export class WorkspacesModule {}
