import { Module } from '@nestjs/common';
import { UpgradeRouter } from './upgrade.router.js';
import { WorkspaceAccessService } from './workspace-access.service.js';
import { WorkspacePortAgents } from './workspace-port.agent.js';

/**
 * The shared place for reaching inside a workspace: who may (WorkspaceAccessService), the one
 * WebSocket upgrade path, dialing a port on its loopback (WorkspacePortAgents), to which the terminal, the app origins and SSH add their doors.
 * Feature folders (terminal/, exec/, proxy/, ssh/) import this module, never each other.
 * See docs/architecture.md.
 */
@Module({
  providers: [WorkspaceAccessService, UpgradeRouter, WorkspacePortAgents],
  exports: [WorkspaceAccessService, UpgradeRouter, WorkspacePortAgents],
})
export class AccessModule {}
