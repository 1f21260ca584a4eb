import { Module } from '@nestjs/common';
import { UpgradeRouter } from './upgrade.router.js';
import { WorkspaceAccessService } from './workspace-access.service.js';

/**
 * The shared place for reaching inside a workspace: who may (WorkspaceAccessService) and the one
 * WebSocket upgrade path, to which the terminal, the app origins and SSH add their doors. Ports
 * are reached through the runtime (RuntimeDriver.connectToPort), never dialled here.
 * Feature folders (terminal/, exec/, proxy/, ssh/) import this module, never each other.
 * See docs/architecture.md.
 */
@Module({
  providers: [WorkspaceAccessService, UpgradeRouter],
  exports: [WorkspaceAccessService, UpgradeRouter],
})
export class AccessModule {}
