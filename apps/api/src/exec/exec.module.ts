import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { WorkspaceExecController } from './workspace-exec.controller.js';
import { WorkspaceExecService } from './workspace-exec.service.js';

/** One-shot commands in a running workspace (`POST /workspaces/:id/exec`). */
@Module({
  imports: [AccessModule],
  controllers: [WorkspaceExecController],
  providers: [WorkspaceExecService],
})
export class ExecModule {}
