import { Controller, Get, Param, ParseIntPipe, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type Response } from 'express';
import { CurrentUser, type AuthenticatedUser } from '#auth';
import { AppPortsService } from './app-ports.service.js';

@ApiTags('workspaces')
@Controller('workspaces')
export class AppPortsController {
  constructor(private readonly ports: AppPortsService) {}

  /**
   * Opens a forwarded port in the browser: checks access, then redirects to the port's own origin
   * with a one-time ticket (60 s, single use, bound to this user, workspace and port).
   */
  @Get(':id/ports/:port/open')
  async open(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('port', ParseIntPipe) port: number,
    @Res() res: Response,
    @Query('path') path?: string,
  ): Promise<void> {
    res.redirect(302, await this.ports.ticketUrl(user, id, port, path ?? '/'));
  }
}
