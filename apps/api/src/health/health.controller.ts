import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';

import { PrismaService } from '#persistence';
import { WorkspaceJobsProducer } from '#queue';
import { RUNTIME_DRIVER, type RuntimeDriver } from '#runtime';
import { Operation } from '../common/api-operation.js';

const CHECK_TIMEOUT_MS = 2000;

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly prisma: PrismaService,
    private readonly jobs: WorkspaceJobsProducer,
    @Inject(RUNTIME_DRIVER) private readonly runtime: RuntimeDriver,
  ) {}

  /** Alive: the process answers. Never depends on other services (so it is safe for restarts). */
  @Operation({ id: 'getLiveness', summary: 'The process answers', status: 200, returns: 'Health' })
  @Get('healthz')
  @HealthCheck()
  alive(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** Ready: Postgres, Redis and the Docker engine all answer; 503 naming the one that does not. */
  @Operation({
    id: 'getReadiness',
    summary: 'Postgres, Redis and the engine answer',
    status: 200,
    returns: 'Health',
    errors: [503],
  })
  @Get('readyz')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () =>
        this.indicators
          .check('postgres')
          .attempt(() => this.prisma.ping())
          .withTimeout(CHECK_TIMEOUT_MS),
      () =>
        this.indicators
          .check('redis')
          .attempt(() => this.jobs.ping())
          .withTimeout(CHECK_TIMEOUT_MS),
      () =>
        this.indicators
          .check(this.runtime.kind)
          .attempt(() => this.runtime.ping())
          .withTimeout(CHECK_TIMEOUT_MS),
    ]);
  }
}
