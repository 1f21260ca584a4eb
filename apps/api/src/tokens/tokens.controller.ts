import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { type Page } from '#domain';
import { PageQueryDto } from '../common/list-query.dto.js';
import { ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '#auth';
import { BerthThrottlerGuard } from '../common/berth-throttler.guard.js';
import { CreateTokenDto, type CreatedTokenView, type TokenView } from './tokens.dto.js';
import { TokensService } from './tokens.service.js';
import { Operation } from '../common/api-operation.js';

@ApiTags('tokens')
@Controller('tokens')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @UseGuards(BerthThrottlerGuard)
  @Operation({
    id: 'createToken',
    summary: 'Create an API token (the secret is shown once)',
    status: 201,
    returns: 'CreatedToken',
    errors: [429],
  })
  @Post()
  create(@CurrentUser() user: AuthenticatedUser, @Body() dto: CreateTokenDto): Promise<CreatedTokenView> {
    return this.tokens.create(user.id, dto);
  }

  @Operation({ id: 'listTokens', summary: 'List your API tokens', status: 200, returns: { pageOf: 'Token' } })
  @Get()
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: PageQueryDto): Promise<TokenView[] | Page<TokenView>> {
    return this.tokens.list(user.id, query);
  }

  @Operation({ id: 'revokeToken', summary: 'Revoke one of your API tokens', status: 204, returns: 'none' })
  @Delete(':id')
  @HttpCode(204)
  revoke(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.tokens.revoke(user.id, id);
  }
}
