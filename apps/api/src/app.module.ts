import { Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from '#auth';
import { ConfigModule, loadConfig, loggerOptions } from '#config';
import { PersistenceModule } from '#persistence';
import { RuntimeModule } from '#runtime';
import { AuditModule } from './audit/audit.module.js';
import { AdminModule } from './admin/admin.module.js';
import { AuthHttpModule } from './auth/auth-http.module.js';
import { ProblemFilter } from './common/problem.filter.js';
import { IdempotencyInterceptor } from './common/idempotency.interceptor.js';
import { LiveConnectionsModule } from './common/live-connections.js';
import { throttlingModule } from './common/throttling.js';
import { ExecModule } from './exec/exec.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ProxyModule } from './proxy/proxy.module.js';
import { TemplatesModule } from './templates/templates.module.js';
import { TerminalModule } from './terminal/terminal.module.js';
import { TokensModule } from './tokens/tokens.module.js';
import { SshModule } from './ssh/ssh.module.js';
import { UsersModule } from './users/users.module.js';
import { WorkspacesModule } from './workspaces/workspaces.module.js';
import { VolumesModule } from './volumes/volumes.module.js';

/** Each folder brings its own module; docs/architecture.md has the map and the import rules. */
@Module({
  imports: [
    LoggerModule.forRoot(loggerOptions('api')),
    ConfigModule,
    PersistenceModule,
    RuntimeModule.forRoot(loadConfig()),
    throttlingModule,
    LiveConnectionsModule,
    AuthModule,
    AuditModule,
    AuthHttpModule,
    UsersModule,
    TokensModule,
    TemplatesModule,
    WorkspacesModule,
    VolumesModule,
    HealthModule,
    MetricsModule,
    AdminModule,
    ExecModule,
    ProxyModule,
    TerminalModule,
    SshModule,
  ],
  providers: [
    { provide: APP_FILTER, useClass: ProblemFilter },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
})
export class AppModule {}
