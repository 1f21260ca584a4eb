import { LoginLimiter } from './login-limiter.service.js';
import { Module } from '@nestjs/common';
import { OidcModule } from '#auth';
import { AuthController } from './auth.controller.js';
import { OidcController } from './oidc.controller.js';
import { OidcLoginService } from './oidc/oidc-login.service.js';
import { PasswordResetsService } from './password-resets.service.js';

/** HTTP side of authentication: password login/logout and single sign-on routes. */
@Module({
  imports: [OidcModule],
  controllers: [AuthController, OidcController],
  providers: [OidcLoginService, LoginLimiter, PasswordResetsService],
  exports: [PasswordResetsService],
})
export class AuthHttpModule {}
