import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { WorkspacesModule } from '../workspaces/workspaces.module.js';
import { SshGatewayService } from './ssh-gateway.service.js';
import { SshKeysController, SshSettingsController } from './ssh-keys.controller.js';
import { SshKeysService } from './ssh-keys.service.js';
import { SshWorkspaces } from './ssh-workspaces.js';
import { SshWebSocketDoor } from './ssh-websocket.door.js';

@Module({
  imports: [AccessModule, WorkspacesModule],
  controllers: [SshKeysController, SshSettingsController],
  providers: [SshKeysService, SshWorkspaces, SshGatewayService, SshWebSocketDoor],
  exports: [SshGatewayService],
})
export class SshModule {}
