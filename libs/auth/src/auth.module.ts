import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AuthenticationGuard } from './authentication.guard.js';
import { BearerStrategy } from './bearer.strategy.js';
import { LocalStrategy } from './local.strategy.js';
import { SessionSerializer } from './session.serializer.js';
import { RequestAuthenticator } from './request-authenticator.js';
import { CredentialAuthenticator } from './credentials.js';
import { WorkspaceAccessRule } from './workspace-access.js';

/** Global: the raw HTTP/WebSocket entry points (terminal, port proxy, SSH) authenticate and authorize with it too. */
@Global()
@Module({
  imports: [PassportModule.register({ session: true })],
  providers: [
    LocalStrategy,
    BearerStrategy,
    SessionSerializer,
    CredentialAuthenticator,
    RequestAuthenticator,
    WorkspaceAccessRule,
    // Who you are, then the door table's rule (roles and token scope) for the route.
    { provide: APP_GUARD, useClass: AuthenticationGuard },
  ],
  exports: [CredentialAuthenticator, RequestAuthenticator, WorkspaceAccessRule],
})
export class AuthModule {}
