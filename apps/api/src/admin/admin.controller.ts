import { Controller, Get, Inject } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { ApiTags } from '@nestjs/swagger';
import { type Queue } from 'bullmq';

import { TEMPLATE_QUEUE, WORKSPACE_QUEUE } from '#domain';
import { RUNTIME_DRIVER, type RuntimeDriver } from '#runtime';

type Counts = Record<string, number>;

/** Queue and engine health for the admin pages. */
@ApiTags('admin')
@Controller('admin')
export class AdminController {
  constructor(
    @InjectQueue(WORKSPACE_QUEUE) private readonly workspaceQueue: Queue,
    @InjectQueue(TEMPLATE_QUEUE) private readonly templateQueue: Queue,
    @Inject(RUNTIME_DRIVER) private readonly runtime: RuntimeDriver,
  ) {}

  @Get('system')
  async system(): Promise<{
    queues: Record<string, Counts>;
    docker: { serverVersion: string; containersRunning: number; images: number };
  }> {
    const kinds = ['waiting', 'active', 'completed', 'failed', 'delayed'] as const;
    const [workspaces, templates, docker] = await Promise.all([
      this.workspaceQueue.getJobCounts(...kinds),
      this.templateQueue.getJobCounts(...kinds),
      this.runtime.info(),
    ]);
    return { queues: { [WORKSPACE_QUEUE]: workspaces, [TEMPLATE_QUEUE]: templates }, docker };
  }
}
