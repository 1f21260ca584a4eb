import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '#auth';
import { AddSshKeyDto, SshSettingsDto, type SshKeyView, type SshSettingsView } from './ssh-keys.dto.js';
import { SshKeysService } from './ssh-keys.service.js';
import { Operation } from '../common/api-operation.js';

/** The caller's own SSH keys. Keys open shells, so narrow tokens cannot manage them (scope `all`). */
@ApiTags('ssh')
@Controller('users/me/ssh-keys')
export class SshKeysController {
  constructor(private readonly keys: SshKeysService) {}

  @Operation({ id: 'listSshKeys', summary: 'List your SSH keys', status: 200, returns: { listOf: 'SshKey' } })
  @Get()
  list(@CurrentUser() user: AuthenticatedUser): Promise<SshKeyView[]> {
    return this.keys.list(user.id);
  }

  @Operation({ id: 'addSshKey', summary: 'Add an SSH public key', status: 201, returns: 'SshKey', errors: [409] })
  @Post()
  create(@CurrentUser() user: AuthenticatedUser, @Body() dto: AddSshKeyDto): Promise<SshKeyView> {
    return this.keys.add(user.id, dto);
  }

  @Operation({ id: 'deleteSshKey', summary: 'Remove an SSH key', status: 204, returns: 'none' })
  @Delete(':id')
  @HttpCode(204)
  delete(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.keys.delete(user.id, id);
  }
}

/** What the SSH gateway does with the caller's stopped workspaces. */
@ApiTags('ssh')
@Controller('users/me/ssh-settings')
export class SshSettingsController {
  constructor(private readonly keys: SshKeysService) {}

  @Operation({ id: 'getSshSettings', summary: 'Your SSH gateway settings', status: 200, returns: 'SshSettings' })
  @Get()
  get(@CurrentUser() user: AuthenticatedUser): Promise<SshSettingsView> {
    return this.keys.settings(user.id);
  }

  @Operation({ id: 'putSshSettings', summary: 'Change your SSH gateway settings', status: 200, returns: 'SshSettings' })
  @Put()
  update(@CurrentUser() user: AuthenticatedUser, @Body() dto: SshSettingsDto): Promise<SshSettingsView> {
    return this.keys.updateSettings(user.id, dto);
  }
}
