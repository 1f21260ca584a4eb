import { Module } from '@nestjs/common';
import { AuthHttpModule } from '../auth/auth-http.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { WorkspacesModule } from '../workspaces/workspaces.module.js';
import { BootstrapAdminService } from './bootstrap-admin.service.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [AuthHttpModule, TokensModule, WorkspacesModule],
  controllers: [UsersController],
  providers: [UsersService, BootstrapAdminService],
})
export class UsersModule {}
