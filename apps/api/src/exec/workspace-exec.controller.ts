import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '#auth';
import { ClientGone } from '../common/client-gone.js';
import { ExecRequestDto, type ExecResultView } from './workspace-exec.dto.js';
import { WorkspaceExecService } from './workspace-exec.service.js';
import { Operation } from '../common/api-operation.js';

@ApiTags('workspaces')
@Controller('workspaces')
export class WorkspaceExecController {
  constructor(private readonly exec: WorkspaceExecService) {}

  /**
   * Runs a command in the running workspace and answers with its exit code and output (owner,
   * admin). The command is ended at its time limit, or as soon as the client goes away.
   */
  @Operation({
    id: 'execInWorkspace',
    summary: 'Run a command in a running workspace',
    status: 200,
    returns: 'ExecResult',
    errors: [409],
  })
  @Post(':id/exec')
  @HttpCode(200)
  run(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: ExecRequestDto,
    @ClientGone() clientGone: AbortSignal,
  ): Promise<ExecResultView> {
    return this.exec.run(user, id, body, clientGone);
  }
}
