import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, ParseUUIDPipe, Patch, Query, Res } from '@nestjs/common';
import { IsIn } from 'class-validator';
import { PORT_SHARES, type PortShare } from '#domain';
import { ApiTags } from '@nestjs/swagger';
import { type Response } from 'express';
import { CurrentUser, type AuthenticatedUser } from '#auth';
import { AppPortsService } from './app-ports.service.js';
import { Operation } from '../common/api-operation.js';

export class PortShareDto {
  /** `owner` (default), `authenticated` (any signed-in user) or `public` (anyone). */
  @IsIn(PORT_SHARES)
  share!: PortShare;
}

@ApiTags('workspaces')
@Controller('workspaces')
export class AppPortsController {
  constructor(private readonly ports: AppPortsService) {}

  /**
   * Opens a forwarded port in the browser: checks access, then redirects to the port's own origin
   * with a one-time ticket (60 s, single use, bound to this user, workspace and port).
   */
  @Operation({
    id: 'openPort',
    summary: 'Open a forwarded port (redirect with a ticket)',
    status: 302,
    returns: 'redirect',
    errors: [409],
  })
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

  /** Changes who may open the port, up to the template's maximum (owner, admin); audited. */
  @Operation({ id: 'setPortShare', summary: 'Change who may open a forwarded port', status: 204, returns: 'none' })
  @Patch(':id/ports/:port')
  @HttpCode(204)
  share(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('port', ParseIntPipe) port: number,
    @Body() dto: PortShareDto,
  ): Promise<void> {
    return this.ports.setShare(user, id, port, dto.share);
  }
}
