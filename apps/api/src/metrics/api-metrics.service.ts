import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { limits, setCollector, startMetrics, workspacesByStatus } from '#metrics';
import { WorkspacesRepository } from '#persistence';

/** The API's metrics: process metrics, and workspaces by status and template read at scrape time. */
@Injectable()
export class ApiMetricsService implements OnApplicationBootstrap {
  constructor(private readonly workspaces: WorkspacesRepository) {}

  onApplicationBootstrap(): void {
    startMetrics('api');
    setCollector('berth_workspaces', async () => {
      const counts = await this.workspaces.countByStatusAndTemplate();
      workspacesByStatus.reset();
      for (const { status, template, count } of counts)
        workspacesByStatus.inc({ status, template: limits.templates.value(template) }, count);
    });
  }
}
