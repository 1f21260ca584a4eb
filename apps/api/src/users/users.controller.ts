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

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}
  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser): Promise<UserView> {
    return this.users.me(user.id);
  }
  /** Changes the caller's own password (the current one is needed); their other sessions end. */
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

  @Post()
  create(@Body() dto: CreateUserDto): Promise<UserView> {
    return this.users.create(dto);
  }
  /** Creates (201) or updates (200) the account with this email; safe to repeat (onboarding scripts). */
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

  @Get()
  list(@Query() query: PageQueryDto): Promise<UserView[] | Page<UserView>> {
    return this.users.list(query);
  }
  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<UserView> {
    return this.users.get(id);
  }

  @Patch(':id')
  update(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserView> {
    return this.users.update(actor, id, dto);
  }
  @Delete(':id')
  @HttpCode(204)
  deactivate(@CurrentUser() actor: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.users.deactivate(actor, id);
  }

  /** A token on the user's behalf, e.g. for an onboarding script; shown once. */
  @Post(':id/tokens')
  createToken(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateTokenDto,
  ): Promise<CreatedTokenView> {
    return this.users.createTokenFor(actor, id, dto);
  }

  /** A one-time password reset code and portal link for the user, shown once; short-lived. */
  @Post(':id/password-reset')
  createPasswordReset(@Param('id', ParseUUIDPipe) id: string): Promise<PasswordResetView> {
    return this.users.createPasswordReset(id);
  }
}
