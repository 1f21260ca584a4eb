import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signIn, testAdmin, testBaseUrl } from '#testing';
import { BenchClient } from '../../bench/side-by-side/berth-client.js';
import { SMOKE } from '../../bench/side-by-side/context.js';
import { RawDocker } from '../../bench/side-by-side/raw-docker.js';
import { toMarkdown } from '../../bench/side-by-side/report.js';
import { runBench } from '../../bench/side-by-side/run.js';
import { newDeveloper } from '../../bench/side-by-side/users.js';
import { testEnv } from '../setup/test-env.js';

/**
 * Every scenario of `npm run bench` at tiny sizes against the test server, so the bench cannot
 * rot. Only that it runs and reports is checked: its figures are never asserted here.
 */
describe('bench smoke run', () => {
  it('runs every scenario and writes a report with the machine and each figure', async () => {
    const env = testEnv();
    const baseUrl = testBaseUrl();
    const admin = new BenchClient(baseUrl, (await signIn(testAdmin.email, testAdmin.password)).token);
    const lines: string[] = [];
    const ctx = {
      baseUrl,
      admin,
      owner: admin,
      raw: new RawDocker(env.BERTH_WORKSPACE_NETWORK ?? '', 'berth/busybox:test'),
      sizes: SMOKE,
      image: 'berth/busybox:test',
      databaseUrl: env.DATABASE_URL ?? '',
      instance: env.BERTH_INSTANCE ?? '',
      log: (line: string) => lines.push(line),
    };
    // A developer of its own owns the workspaces, so the admin's quota is left to other suites.
    ctx.owner = (await newDeveloper(ctx)).client;
    const results = await runBench(ctx);

    expect(results.machine.cpus).toBeGreaterThan(0);
    expect(results.machine.engine).toMatch(/^Docker /);
    const names = results.figures.map((f) => f.name);
    for (const part of [
      'cold start',
      'warm start',
      'stop',
      'rebuild',
      'burst',
      'GET /workspaces',
      'reconciler',
      'RSS',
    ]) {
      expect(names.some((n) => n.includes(part))).toBe(true);
    }
    // Every measured figure has runs behind it and says what it is aimed at.
    for (const f of results.figures) {
      expect(f.target).not.toBe('');
      if (f.median !== null) expect(f.runs).toBeGreaterThan(0);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-'));
    fs.writeFileSync(path.join(dir, 'results.md'), toMarkdown(results, ''));
    expect(fs.readFileSync(path.join(dir, 'results.md'), 'utf8')).toContain('| cold start: Berth request → running |');
  });
});
