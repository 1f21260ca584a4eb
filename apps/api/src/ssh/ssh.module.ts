import { Module } from '@nestjs/common';
import { SshKeysController, SshSettingsController } from './ssh-keys.controller.js';
import { SshKeysService } from './ssh-keys.service.js';

@Module({ controllers: [SshKeysController, SshSettingsController], providers: [SshKeysService] })
export class SshModule {}
