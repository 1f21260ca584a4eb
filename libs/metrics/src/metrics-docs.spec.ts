import fs from 'node:fs';
import path from 'node:path';
import { registry } from './metrics.js';

/** docs/metrics.md documents every metric Berth defines, and the dashboard uses only real ones. */
describe('metrics documentation', () => {
  const names = registry.getMetricsAsArray().map((m) => m.name);
  const docs = fs.readFileSync(path.join(process.cwd(), 'docs/metrics.md'), 'utf8');

  it('lists every berth_* metric', () => {
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((name) => !docs.includes(`\`${name}\``))).toEqual([]);
  });

  it('the Grafana dashboard queries only metrics that exist', () => {
    const dashboard = fs.readFileSync(path.join(process.cwd(), 'docs/grafana-dashboard.json'), 'utf8');
    const used = new Set([...dashboard.matchAll(/\b(berth_[a-z_]+?)(?:_bucket|_count|_sum)?\b/g)].map((m) => m[1]!));
    expect([...used].filter((name) => !names.includes(name))).toEqual([]);
  });
});
