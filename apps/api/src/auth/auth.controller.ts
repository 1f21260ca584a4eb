import { Body, Controller, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type Request, type Response } from 'express';
import { berthCookies, CurrentUser, type AuthenticatedUser } from '#auth';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { issueCsrfToken, type SessionRequest } from './csrf-token.js';
import { PasswordLoginGuard } from './password-login.guard.js';
import { toUserView, type UserView } from '../users/user.view.js';
import { LoginDto, RedeemPasswordResetDto } from './login.dto.js';
import { AuditService } from '../audit/audit.service.js';
import { PasswordResetsService } from './password-resets.service.js';
import { Operation } from '../common/api-operation.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly resets: PasswordResetsService,
    private readonly audit: AuditService,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  /** Redeems an admin-made reset code (no sign-in): new password, every session of that user ends. */
  @Operation({
    id: 'redeemPasswordReset',
    summary: 'Set a new password with a reset code',
    status: 204,
    returns: 'none',
    errors: [429],
  })
  @Post('password-reset')
  @HttpCode(204)
  async redeemPasswordReset(@Body() dto: RedeemPasswordResetDto, @Req() req: Request): Promise<void> {
    const userId = await this.resets.redeem(req.ip ?? 'unknown', dto.code, dto.password);
    await this.audit.record({
      actor: null,
      action: 'auth.password-reset.redeemed',
      targetType: 'user',
      targetId: userId,
      ip: req.ip ?? null,
      outcome: 'success',
      details: {},
    });
  }

  // Limited per address and per account before the password is even checked (429 learns nothing).
  @UseGuards(PasswordLoginGuard)
  @Operation({
    id: 'login',
    summary: 'Sign in with email and password',
    status: 200,
    returns: 'SignedIn',
    errors: [401, 429],
  })
  @Post('login')
  @HttpCode(200)
  login(
    @Body() _body: LoginDto,
    @CurrentUser() user: AuthenticatedUser,
    @Req() req: SessionRequest,
    @Res({ passthrough: true }) res: Response,
  ): { user: UserView } {
    issueCsrfToken(req, res, this.config);
    return { user: toUserView(user) };
  }

  @Operation({ id: 'logout', summary: 'Sign out', status: 204, returns: 'none' })
  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await new Promise<void>((resolve, reject) => req.logout((error) => (error ? reject(error as Error) : resolve())));
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    const cookies = berthCookies(this.config);
    const options = { path: '/', secure: cookies.hostPrefixed };
    res.clearCookie(cookies.session, options);
    res.clearCookie(cookies.csrf, options);
  }
}
