import { Module } from '@nestjs/common';
import { QueueModule } from '#queue';
import { SnapshotStoreModule } from '#runtime';
import { WorkspacesModule } from '../workspaces/workspaces.module.js';
import { SnapshotsController } from './snapshots.controller.js';
import { SnapshotsService } from './snapshots.service.js';

@Module({
  imports: [WorkspacesModule, QueueModule.register('producer'), SnapshotStoreModule],
  controllers: [SnapshotsController],
  providers: [SnapshotsService],
})
export class SnapshotsModule {}
