import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { type Request, type Response } from 'express';
import { ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '#auth';
import { CreateTokenDto, type CreatedTokenView } from '../tokens/tokens.dto.js';
import { ChangePasswordDto, CreateUserDto, PutUserDto, UpdateUserDto } from './users.dto.js';
import { UsersService } from './users.service.js';
import { PageQueryDto } from '../common/list-query.dto.js';
import { type Page } from '#domain';
import { type PasswordResetView } from '../auth/password-resets.service.js';
import { type UserView } from './user.view.js';
import { Operation } from '../common/api-operation.js';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}
  @Operation({ id: 'getMe', summary: 'The signed-in user with their quota', status: 200, returns: 'User' })
  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser): Promise<UserView> {
    return this.users.me(user.id);
  }
  /** Changes the caller's own password (the current one is needed); their other sessions end. */
  @Operation({ id: 'changeOwnPassword', summary: 'Change your own password', status: 204, returns: 'none' })
  @Post('me/password')
  @HttpCode(204)
  changePassword(
    @CurrentUser() user: AuthenticatedUser,
    @Req() req: Request,
    @Body() dto: ChangePasswordDto,
  ): Promise<void> {
    return this.users.changeOwnPassword(
      user,
      user.via === 'session' ? req.sessionID : undefined,
      dto.currentPassword,
      dto.newPassword,
    );
  }

  @Operation({ id: 'createUser', summary: 'Create a user', status: 201, returns: 'User', errors: [409] })
  @Post()
  create(@Body() dto: CreateUserDto): Promise<UserView> {
    return this.users.create(dto);
  }
  /** Creates (201) or updates (200) the account with this email; safe to repeat (onboarding scripts). */
  @Operation({
    id: 'putUserByEmail',
    summary: 'Create or update the user with this email',
    status: 200,
    alsoStatus: 201,
    returns: 'User',
    errors: [409],
  })
  @Put('by-email/:email')
  async putByEmail(
    @Param('email') email: string,
    @Body() dto: PutUserDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UserView> {
    const { user, created } = await this.users.putByEmail(email, dto);
    res.status(created ? 201 : 200);
    return user;
  }

  @Operation({ id: 'listUsers', summary: 'List users', status: 200, returns: { pageOf: 'User' } })
  @Get()
  list(@Query() query: PageQueryDto): Promise<UserView[] | Page<UserView>> {
    return this.users.list(query);
  }
  @Operation({ id: 'getUser', summary: 'Get a user', status: 200, returns: 'User' })
  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<UserView> {
    return this.users.get(id);
  }

  @Operation({
    id: 'updateUser',
    summary: "Change a user's role, name, activity or quota",
    status: 200,
    returns: 'User',
    errors: [409],
  })
  @Patch(':id')
  update(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserView> {
    return this.users.update(actor, id, dto);
  }
  @Operation({ id: 'deactivateUser', summary: 'Deactivate a user', status: 204, returns: 'none', errors: [409] })
  @Delete(':id')
  @HttpCode(204)
  deactivate(@CurrentUser() actor: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.users.deactivate(actor, id);
  }

  /** A token on the user's behalf, e.g. for an onboarding script; shown once. */
  @Operation({
    id: 'createTokenForUser',
    summary: "Create a token on a user's behalf",
    status: 201,
    returns: 'CreatedToken',
  })
  @Post(':id/tokens')
  createToken(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateTokenDto,
  ): Promise<CreatedTokenView> {
    return this.users.createTokenFor(actor, id, dto);
  }

  /** A one-time password reset code and portal link for the user, shown once; short-lived. */
  @Operation({
    id: 'createPasswordReset',
    summary: 'Create a one-time password reset code',
    status: 201,
    returns: 'PasswordReset',
  })
  @Post(':id/password-reset')
  createPasswordReset(@Param('id', ParseUUIDPipe) id: string): Promise<PasswordResetView> {
    return this.users.createPasswordReset(id);
  }
}
