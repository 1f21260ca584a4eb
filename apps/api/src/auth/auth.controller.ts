import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { randomBytes } from 'node:crypto';
import { type Request, type Response } from 'express';
import { CSRF_COOKIE, CurrentUser, LocalLoginGuard, Public, type AuthenticatedUser } from '#auth';
import { SESSION_COOKIE } from '../common/session.js';
import { toUserView, type UserView } from '../users/user.view.js';
import { LoginDto } from './login.dto.js';

type SessionRequest = Request & { session: Request['session'] & { csrf?: string } };

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  @Public()
  @UseGuards(LocalLoginGuard)
  @Post('login')
  @HttpCode(200)
  login(@Body() _body: LoginDto, @CurrentUser() user: AuthenticatedUser, @Req() req: SessionRequest, @Res({ passthrough: true }) res: Response): { user: UserView } {
    // Double-submit CSRF token: readable by the portal's script, checked against the session copy.
    const csrf = randomBytes(24).toString('base64url');
    req.session.csrf = csrf;
    res.cookie(CSRF_COOKIE, csrf, { sameSite: 'lax', secure: req.secure, httpOnly: false });
    return { user: toUserView(user) };
  }

  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await new Promise<void>((resolve, reject) => req.logout((error) => (error ? reject(error as Error) : resolve())));
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    res.clearCookie(SESSION_COOKIE);
    res.clearCookie(CSRF_COOKIE);
  }
}
