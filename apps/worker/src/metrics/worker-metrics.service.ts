import { type Server } from 'node:http';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { type Queue } from 'bullmq';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { TEMPLATE_QUEUE, WORKSPACE_QUEUE } from '#domain';
import { queueJobs, serveMetrics, setCollector, startMetrics } from '#metrics';

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;

/**
 * The worker's metrics: process metrics, queue depth read from Redis at scrape time, and the
 * listener Prometheus scrapes (BERTH_WORKER_METRICS_HOST:PORT, loopback by default). Build stage,
 * queue wait and engine call metrics are recorded where they happen.
 */
@Injectable()
export class WorkerMetricsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerMetricsService.name);
  private server: Server | null = null;

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    @InjectQueue(WORKSPACE_QUEUE) private readonly workspaceQueue: Queue,
    @InjectQueue(TEMPLATE_QUEUE) private readonly templateQueue: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    startMetrics('worker');
    setCollector('berth_queue_jobs', async () => {
      for (const queue of [this.workspaceQueue, this.templateQueue]) {
        const counts = await queue.getJobCounts(...STATES);
        for (const state of STATES) queueJobs.set({ queue: queue.name, state }, counts[state] ?? 0);
      }
    });
    const { BERTH_WORKER_METRICS_HOST: host, BERTH_WORKER_METRICS_PORT: port } = this.config;
    if (port === 0) return;
    this.server = await serveMetrics(host, port, this.config.BERTH_METRICS_TOKEN);
    if (this.server) this.logger.debug(`metrics on http://${host}:${port}/metrics`);
    // Another worker of this host has the port: this one runs on, unscraped.
    else this.logger.warn(`metrics port ${host}:${port} is taken; this worker's metrics are not served`);
  }

  onApplicationShutdown(): Promise<void> {
    const server = this.server;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}
