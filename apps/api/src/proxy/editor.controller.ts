import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '#auth';
import { EditorService, type EditorStatusView } from './editor.service.js';
import { Operation } from '../common/api-operation.js';

@ApiTags('workspaces')
@Controller('workspaces')
export class EditorController {
  constructor(private readonly editor: EditorService) {}

  /** Whether "Open in VS Code" applies to this workspace, or why not (owner, admin). */
  @Operation({
    id: 'getEditorStatus',
    summary: 'Whether VS Code in the browser applies',
    status: 200,
    returns: 'EditorStatus',
  })
  @Get(':id/editor')
  status(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string): Promise<EditorStatusView> {
    return this.editor.status(user, id);
  }

  /**
   * Starts VS Code in the workspace if it is not running yet and answers `{url}`: a one-time
   * ticket to the editor's own origin (60 s, single use, this user only). 409 with the reason
   * when the workspace cannot run it.
   */
  @Operation({
    id: 'openEditor',
    summary: 'Start VS Code and get a one-time link',
    status: 200,
    returns: 'EditorTicket',
    errors: [409],
  })
  @Post(':id/editor')
  @HttpCode(200)
  open(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string): Promise<{ url: string }> {
    return this.editor.open(user, id);
  }
}
