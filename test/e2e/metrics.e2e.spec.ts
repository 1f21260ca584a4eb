import { type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { WORKSPACE_QUEUE } from '#domain';
import { freePort, startDaemon, terminate, uniqueName, waitFor, type ApiClient } from '#testing';
import { startLab, type Lab } from '../setup/fault-lab.js';

const TOKEN = 'metrics-token-for-the-test-0123';
/** The reverse proxy of the test: a second loopback address. */
const PROXY = '127.0.0.2';

/**
 * Prometheus metrics, read the way an operator reads them: a real Prometheus (Debian's package,
 * on loopback, 1 s scrape interval) scrapes the API and the worker's own metrics listener of a
 * Berth of this suite's own while a workspace starts, and PromQL through Prometheus's HTTP API
 * shows the start's stage histogram counting, the workspace gauge at `running` and the queue
 * drained. /metrics from anywhere but loopback needs the token.
 */
describe('metrics (Prometheus)', () => {
  let lab: Lab;
  let admin: ApiClient;
  let prometheus: ChildProcess;
  let promUrl: string;
  let dir: string;
  let workerMetrics: number;

  beforeAll(async () => {
    const binary = process.env.BERTH_TEST_PROMETHEUS ?? 'prometheus';
    workerMetrics = await freePort();
    lab = await startLab({
      name: 'metrics',
      env: {
        BERTH_WORKER_METRICS_PORT: String(workerMetrics),
        BERTH_METRICS_TOKEN: TOKEN,
        BERTH_TRUSTED_PROXIES: `${PROXY}/32`,
      },
    });
    admin = await lab.start();

    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-prometheus-'));
    const promPort = await freePort();
    promUrl = `http://127.0.0.1:${promPort}`;
    fs.writeFileSync(
      path.join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        `  - { job_name: api, static_configs: [{ targets: ['127.0.0.1:${lab.env.PORT}'] }] }`,
        `  - { job_name: worker, static_configs: [{ targets: ['127.0.0.1:${workerMetrics}'] }] }`,
        '',
      ].join('\n'),
    );
    prometheus = startDaemon(
      binary,
      [
        `--config.file=${dir}/prometheus.yml`,
        `--storage.tsdb.path=${dir}/data`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      path.join(dir, 'prometheus.log'),
    );
    await waitFor(
      async () => (await fetch(`${promUrl}/-/ready`).catch(() => null))?.ok ?? false,
      Boolean,
      'Prometheus to be ready',
      60_000,
      200,
    );
  });

  afterAll(async () => {
    if (prometheus) await terminate(prometheus);
    await lab?.teardown();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** One instant PromQL query; the summed value, or null when it returns no series. */
  const query = async (promql: string): Promise<number | null> => {
    const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await res.json()) as { status: string; data: { result: { value: [number, string] }[] } };
    if (body.status !== 'success') throw new Error(`PromQL ${promql}: ${JSON.stringify(body)}`);
    return body.data.result.length === 0 ? null : body.data.result.reduce((sum, r) => sum + Number(r.value[1]), 0);
  };
  const eventually = (promql: string, ok: (v: number | null) => boolean, what: string): Promise<number | null> =>
    waitFor(() => query(promql), ok, what, 60_000, 500);

  it('scrapes the API and the worker while a workspace starts', async () => {
    await eventually('up{job="api"}', (v) => v === 1, 'the API to be scraped');
    await eventually('up{job="worker"}', (v) => v === 1, 'the worker to be scraped');
    const stage = 'berth_build_stage_duration_seconds_count{stage="container"}';
    const before = (await query(`sum(${stage})`)) ?? 0;

    const templateName = uniqueName('metrics');
    const template = await admin.post('/templates', {
      name: templateName,
      spec: { image: 'berth/busybox:test', resources: { cpus: 0.25, memoryMb: 128 } },
    });
    expect(template.status).toBe(201);
    const created = await admin.post('/workspaces', { name: 'm1', templateId: (template.body as { id: string }).id });
    expect(created.status).toBe(202);
    const id = (created.body as { id: string }).id;
    await admin.waitForStatus(id, 'running');

    await eventually(`sum(${stage})`, (v) => (v ?? 0) > before, 'the container stage histogram to count the start');
    for (const s of ['queue', 'image', 'volume', 'container', 'ready'])
      expect(await query(`sum(berth_build_stage_duration_seconds_count{stage="${s}"})`)).toBeGreaterThan(0);
    await eventually(
      `berth_workspaces{status="running",template="${templateName}"}`,
      (v) => v === 1,
      'the workspaces gauge at running',
    );
    await eventually(
      `sum(berth_queue_jobs{queue="${WORKSPACE_QUEUE}",state=~"waiting|active|delayed|prioritized"})`,
      (v) => v === 0,
      'the workspace queue to be empty',
    );
    expect(await query(`sum(berth_queue_wait_seconds_count{queue="${WORKSPACE_QUEUE}"})`)).toBeGreaterThan(0);
    expect(await query('sum(berth_engine_call_duration_seconds_count{service="worker"})')).toBeGreaterThan(0);
    expect(await query('sum(process_resident_memory_bytes{job="worker"})')).toBeGreaterThan(0);

    // Requests are labelled by route template, never by a raw path with an id in it.
    await eventually(
      'sum(berth_http_request_duration_seconds_count{route="/api/v1/workspaces/:id"})',
      (v) => (v ?? 0) > 0,
      'the HTTP histogram by route template',
    );
    expect(await query(`count(berth_http_request_duration_seconds_count{route=~".*${id}.*"})`)).toBeNull();
  });

  it("the Grafana dashboard's queries are valid PromQL with data behind them", async () => {
    const dashboard = JSON.parse(fs.readFileSync('docs/grafana-dashboard.json', 'utf8')) as {
      panels: { title: string; targets?: { expr: string }[] }[];
    };
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(10);
    for (const expr of exprs) await query(expr); // throws on a PromQL error
  });

  it('serves /metrics to loopback, and elsewhere only with the token', async () => {
    const api = `http://127.0.0.1:${lab.env.PORT}/metrics`;
    const local = await fetch(api);
    expect(local.status).toBe(200);
    expect(await local.text()).toContain('berth_http_request_duration_seconds');
    // A client elsewhere, as a reverse proxy the API trusts reports it: the request comes from
    // 127.0.0.2 (the proxy; trusted as loopback, and named in BERTH_TRUSTED_PROXIES) and names
    // the client in X-Forwarded-For. Nothing leaves loopback.
    const viaProxy = (authorization?: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = http.get(
          api,
          {
            localAddress: PROXY,
            headers: { 'x-forwarded-for': '203.0.113.7', ...(authorization ? { authorization } : {}) },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
      });
    expect(await viaProxy()).toBe(401);
    expect(await viaProxy('Bearer wrong-token-of-the-same-size')).toBe(401);
    expect(await viaProxy(`Bearer ${TOKEN}`)).toBe(200);
    const worker = await fetch(`http://127.0.0.1:${workerMetrics}/metrics`);
    expect(worker.status).toBe(200);
    expect(await worker.text()).toContain('berth_queue_jobs');
  });
});
