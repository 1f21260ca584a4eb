import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { AppOriginProxy } from './app-origin.proxy.js';
import { AppPortsController } from './app-ports.controller.js';
import { AppPortsService } from './app-ports.service.js';
import { AppSessionsStore } from './app-sessions.store.js';
import { PortProxyMiddleware } from './port-proxy.middleware.js';

/** Workspace ports on their app origins (HTTP and WebSocket), their share levels and tickets. */
@Module({
  imports: [AccessModule],
  controllers: [AppPortsController],
  providers: [AppOriginProxy, AppPortsService, AppSessionsStore, PortProxyMiddleware],
  exports: [AppOriginProxy, PortProxyMiddleware],
})
export class ProxyModule {}
