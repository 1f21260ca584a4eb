import { Module } from '@nestjs/common';
import { BootstrapAdminService } from './bootstrap-admin.service.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({ controllers: [UsersController], providers: [UsersService, BootstrapAdminService] })
export class UsersModule {}
