import { Module } from '@nestjs/common';
import { WorkspacePortAgents } from './workspace-port.agent.js';
import { AccessModule } from '../access/access.module.js';
import { AppOriginProxy } from './app-origin.proxy.js';
import { AppPortsController } from './app-ports.controller.js';
import { AppPortsService } from './app-ports.service.js';
import { AppSessionsStore } from './app-sessions.store.js';
import { PortProxyMiddleware } from './port-proxy.middleware.js';
import { EditorController } from './editor.controller.js';
import { EditorService } from './editor.service.js';

/**
 * Workspace ports on their app origins (HTTP and WebSocket), their share levels and tickets, and
 * VS Code in the browser, which is served on its own port's origin.
 */
@Module({
  imports: [AccessModule],
  controllers: [AppPortsController, EditorController],
  providers: [
    AppOriginProxy,
    AppPortsService,
    AppSessionsStore,
    PortProxyMiddleware,
    EditorService,
    WorkspacePortAgents,
  ],
  exports: [AppOriginProxy, PortProxyMiddleware],
})
export class ProxyModule {}
