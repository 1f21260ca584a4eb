import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { LabelLimit } from './label-limit.js';

/**
 * Every metric Berth exports (docs/metrics.md lists them with their labels). One registry per
 * process; the API and the worker register the same definitions and each fills the ones it owns,
 * so a series comes from exactly one kind of process (`service` label) and sums across replicas.
 */
export const registry = new Registry();

let started = false;
/** Process metrics (CPU, memory, event loop, handles) and the `service` label; once per process. */
export function startMetrics(service: 'api' | 'worker'): Registry {
  if (!started) {
    started = true;
    registry.setDefaultLabels({ service });
    // Standard names (process_*, nodejs_*), as every Node.js dashboard expects them.
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}

/**
 * Gauges read at scrape time (queue depth, workspaces by status) get their values from a collector
 * the owning process sets; the other process leaves it unset and the gauge stays empty there.
 */
const collectors = new Map<string, () => Promise<void>>();
export function setCollector(metric: string, collect: () => Promise<void>): void {
  collectors.set(metric, collect);
}
async function collectWith(metric: string): Promise<void> {
  // A failed read (database or Redis away) leaves the series out of this scrape rather than failing it.
  await collectors
    .get(metric)?.()
    .catch(() => undefined);
}

/** Seconds buckets from 5 ms to 10 min: HTTP answers, engine calls and build stages alike. */
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export const limits = {
  routes: new LabelLimit(200),
  stages: new LabelLimit(30),
  operations: new LabelLimit(60),
  templates: new LabelLimit(100),
};

// ---------------------------------------------------------------------------------------- API

export const httpDuration = new Histogram({
  name: 'berth_http_request_duration_seconds',
  help: 'HTTP requests by method, route template (never a raw path) and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: SECONDS,
  registers: [registry],
});

export const loginFailures = new Counter({
  name: 'berth_login_failures_total',
  help: 'Refused sign-ins, by method (password, oidc)',
  labelNames: ['method'] as const,
  registers: [registry],
});

export const throttledRequests = new Counter({
  name: 'berth_throttled_requests_total',
  help: 'Requests answered 429 by the throttler, by route template',
  labelNames: ['route'] as const,
  registers: [registry],
});

export const liveConnections = new Gauge({
  name: 'berth_live_connections',
  help: 'Open long-lived connections: sse (event streams), websocket (terminals)',
  labelNames: ['kind'] as const,
  registers: [registry],
});

export const workspacesByStatus = new Gauge({
  name: 'berth_workspaces',
  help: 'Workspaces (not deleted) by status and template name, read from Postgres at scrape time (API)',
  labelNames: ['status', 'template'] as const,
  registers: [registry],
  collect: () => collectWith('berth_workspaces'),
});

// ------------------------------------------------------------------------------------- worker

export const buildStageDuration = new Histogram({
  name: 'berth_build_stage_duration_seconds',
  help: 'One stage of a workspace transition (queue, image, volume, container, scripts, ready, …) by build kind',
  labelNames: ['kind', 'stage'] as const,
  buckets: SECONDS,
  registers: [registry],
});

export const buildDuration = new Histogram({
  name: 'berth_build_duration_seconds',
  help: 'A whole workspace transition, from queued to its end, by build kind and outcome (succeeded, failed)',
  labelNames: ['kind', 'outcome'] as const,
  buckets: SECONDS,
  registers: [registry],
});

export const queueJobs = new Gauge({
  name: 'berth_queue_jobs',
  help: 'Jobs in each BullMQ queue by state (waiting, active, delayed, failed, prioritized), read at scrape time (worker)',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  collect: () => collectWith('berth_queue_jobs'),
});

export const queueWait = new Histogram({
  name: 'berth_queue_wait_seconds',
  help: 'Time a job spent in its queue before a worker took it, by queue',
  labelNames: ['queue'] as const,
  buckets: SECONDS,
  registers: [registry],
});

export const engineCallDuration = new Histogram({
  name: 'berth_engine_call_duration_seconds',
  help: 'Docker engine requests by operation (API and worker)',
  labelNames: ['operation'] as const,
  buckets: SECONDS,
  registers: [registry],
});

export const engineCallErrors = new Counter({
  name: 'berth_engine_call_errors_total',
  help: 'Failed Docker engine requests by operation and kind (timeout, unreachable, error); a caller’s own cancel is not counted',
  labelNames: ['operation', 'kind'] as const,
  registers: [registry],
});

export const controlLoopPass = new Histogram({
  name: 'berth_control_loop_pass_seconds',
  help: 'One pass of a worker control loop (reconciler, reaper, idle stop, retention, ...), failed passes included',
  labelNames: ['loop'] as const,
  buckets: SECONDS,
  registers: [registry],
});

/** Records one engine request (libs/runtime/engine-call.ts). */
export function observeEngineCall(
  operation: string,
  seconds: number,
  error?: 'timeout' | 'unreachable' | 'error',
): void {
  const op = limits.operations.value(operation);
  engineCallDuration.observe({ operation: op }, seconds);
  if (error) engineCallErrors.inc({ operation: op, kind: error });
}

/** Records one finished build stage (worker BuildRecorder). */
export function observeStage(kind: string, stage: string, ms: number): void {
  buildStageDuration.observe({ kind, stage: limits.stages.value(stage) }, ms / 1000);
}
