import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Reproducible installs: package-lock.json must be complete, so resolving it again on a fresh clone
 * (no node_modules) changes not one byte. A lock written by `npm install <pkg>` with node_modules
 * present lacks other platforms' optional packages (npm/cli#4828, #7961); a fresh resolution adds
 * them back, which is what this catches. The copy runs with a user config that has only the
 * machine's registry, so the project's .npmrc alone must carry the settings that shape the lock.
 */
const root = process.cwd();

function npm(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('npm', args, { cwd, env: process.env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

describe('package-lock.json', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-lock-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is left byte for byte unchanged by a fresh resolution, whatever the user npmrc says', async () => {
    for (const file of ['package.json', 'package-lock.json', '.npmrc']) {
      fs.copyFileSync(path.join(root, file), path.join(dir, file));
    }
    const registry = (await npm(['config', 'get', 'registry'], root)).output.trim();
    fs.writeFileSync(path.join(dir, 'user.npmrc'), `registry=${registry}\n`);
    const r = await npm(
      ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--userconfig', 'user.npmrc'],
      dir,
    );
    expect(r.code).toBe(0);
    const committed = fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8');
    const resolved = fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8');
    // A diff is short to read and says which entries a fresh install adds or drops.
    const keys = (text: string) => Object.keys((JSON.parse(text) as { packages: object }).packages);
    expect(keys(resolved).filter((k) => !keys(committed).includes(k))).toEqual([]);
    expect(keys(committed).filter((k) => !keys(resolved).includes(k))).toEqual([]);
    expect(resolved === committed).toBe(true);
  });
});
