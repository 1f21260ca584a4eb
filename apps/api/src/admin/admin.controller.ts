import { Controller, Get, Inject } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { ApiTags } from '@nestjs/swagger';
import { type Queue } from 'bullmq';

import { BERTH_CONFIG, type BerthConfig } from '#config';
import { TEMPLATE_QUEUE, WORKSPACE_QUEUE, type PoolSummary } from '#domain';
import { PoolRepository } from '#persistence';
import { RUNTIME_DRIVER, type RuntimeDriver, type RuntimeInfo } from '#runtime';
import { Operation } from '../common/api-operation.js';

type Counts = Record<string, number>;

/** Queue and engine health for the admin pages. */
@ApiTags('admin')
@Controller('admin')
export class AdminController {
  constructor(
    @InjectQueue(WORKSPACE_QUEUE) private readonly workspaceQueue: Queue,
    @InjectQueue(TEMPLATE_QUEUE) private readonly templateQueue: Queue,
    @Inject(RUNTIME_DRIVER) private readonly runtime: RuntimeDriver,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly pool: PoolRepository,
  ) {}

  @Operation({ id: 'getSystem', summary: 'Queue counts and engine facts', status: 200, returns: 'SystemInfo' })
  @Get('system')
  async system(): Promise<{
    queues: Record<string, Counts>;
    runtime: RuntimeInfo;
    /** Deprecated: the first round's name for `runtime` (same facts, without `kind`); kept for older clients. */
    docker: Omit<RuntimeInfo, 'kind'>;
    /** The warm pool: the global cap and, per version with a pool, its size and slots by state. */
    pool: { max: number; versions: PoolSummary[] };
  }> {
    const kinds = ['waiting', 'active', 'completed', 'failed', 'delayed'] as const;
    const [workspaces, templates, runtime, versions] = await Promise.all([
      this.workspaceQueue.getJobCounts(...kinds),
      this.templateQueue.getJobCounts(...kinds),
      this.runtime.info(),
      this.pool.summary(),
    ]);
    const docker = {
      serverVersion: runtime.serverVersion,
      containersRunning: runtime.containersRunning,
      images: runtime.images,
    };
    const pool = { max: this.config.BERTH_POOL_MAX, versions };
    return { queues: { [WORKSPACE_QUEUE]: workspaces, [TEMPLATE_QUEUE]: templates }, runtime, docker, pool };
  }
}
