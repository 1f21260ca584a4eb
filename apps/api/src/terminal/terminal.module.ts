import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { TerminalGateway } from './terminal.gateway.js';

/** The browser terminal: a WebSocket door of the upgrade router, bridged to a TTY in the workspace. */
@Module({
  imports: [AccessModule],
  providers: [TerminalGateway],
})
export class TerminalModule {}
