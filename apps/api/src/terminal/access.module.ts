import { Module } from '@nestjs/common';
import { QueueModule } from '#queue';
import { AdminController } from '../admin/admin.controller.js';
import { QueuesController } from '../admin/queues.controller.js';
import { QueueJobsService } from '../admin/queue-jobs.service.js';
import { PortProxyMiddleware } from '../proxy/port-proxy.middleware.js';
import { AppOriginProxy } from '../proxy/app-origin.proxy.js';
import { AppPortsController } from '../proxy/app-ports.controller.js';
import { AppPortsService } from '../proxy/app-ports.service.js';
import { AppSessionsStore } from '../proxy/app-sessions.store.js';
import { TerminalGateway } from './terminal.gateway.js';
import { UpgradeRouter } from './upgrade.router.js';
import { WorkspaceAccessService } from './workspace-access.service.js';
import { WorkspaceExecController } from '../exec/workspace-exec.controller.js';
import { WorkspaceExecService } from '../exec/workspace-exec.service.js';
import { EditorController } from '../editor/editor.controller.js';
import { EditorService } from '../editor/editor.service.js';
import { WorkspacePortAgents } from '../editor/workspace-port.agent.js';

/** Reaching inside workspaces (terminal, exec, ports, the browser editor) and the admin system view. */
@Module({
  imports: [QueueModule.register('producer')],
  controllers: [AdminController, QueuesController, WorkspaceExecController, AppPortsController, EditorController],
  providers: [
    QueueJobsService,
    WorkspaceAccessService,
    WorkspaceExecService,
    TerminalGateway,
    AppOriginProxy,
    AppPortsService,
    AppSessionsStore,
    PortProxyMiddleware,
    UpgradeRouter,
    EditorService,
    WorkspacePortAgents,
  ],
  exports: [UpgradeRouter, PortProxyMiddleware, AppOriginProxy, WorkspaceAccessService],
})
export class AccessModule {}
