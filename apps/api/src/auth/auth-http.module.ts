import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller.js';

/** HTTP side of authentication: password login/logout (and single sign-on routes). */
@Module({ controllers: [AuthController] })
export class AuthHttpModule {}
