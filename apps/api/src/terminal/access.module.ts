import { Module } from '@nestjs/common';
import { QueueModule } from '#queue';
import { AdminController } from '../admin/admin.controller.js';
import { QueuesController } from '../admin/queues.controller.js';
import { QueueJobsService } from '../admin/queue-jobs.service.js';
import { PortProxyMiddleware } from '../proxy/port-proxy.middleware.js';
import { PortProxyService } from '../proxy/port-proxy.service.js';
import { TerminalGateway } from './terminal.gateway.js';
import { UpgradeRouter } from './upgrade.router.js';
import { WorkspaceAccessService } from './workspace-access.service.js';
import { WorkspaceExecController } from '../exec/workspace-exec.controller.js';
import { WorkspaceExecService } from '../exec/workspace-exec.service.js';

/** Reaching inside workspaces (terminal, exec, ports) and the admin system view. */
@Module({
  imports: [QueueModule.register('producer')],
  controllers: [AdminController, QueuesController, WorkspaceExecController],
  providers: [
    QueueJobsService,
    WorkspaceAccessService,
    WorkspaceExecService,
    TerminalGateway,
    PortProxyService,
    PortProxyMiddleware,
    UpgradeRouter,
  ],
  exports: [UpgradeRouter, PortProxyMiddleware, WorkspaceAccessService],
})
export class AccessModule {}
