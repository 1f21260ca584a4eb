import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * scripts/images.sh takes the Debian mirror from the machine's apt sources (one-line and deb822
 * formats), with BERTH_DEBIAN_MIRROR / BERTH_DEBIAN_SECURITY_MIRROR as overrides, and no script
 * names a package host of its own.
 */
const root = process.cwd();

function mirrors(etc: string, env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['scripts/images.sh', 'mirror'],
      { cwd: root, env: { ...process.env, BERTH_DEBIAN_MIRROR: '', BERTH_APT_ETC: etc, ...env } },
      (error, out, err) => resolve({ code: error ? Number(error.code ?? 1) : 0, out, err }),
    );
  });
}

describe('Debian mirror from the apt sources', () => {
  let etc: string;
  beforeEach(() => {
    etc = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-apt-'));
    fs.mkdirSync(path.join(etc, 'sources.list.d'));
  });
  afterEach(() => fs.rmSync(etc, { recursive: true, force: true }));

  it('reads the one-line format (options, comments, deb-src and other suites skipped)', async () => {
    fs.writeFileSync(
      path.join(etc, 'sources.list'),
      [
        '# deb http://commented.example/debian bookworm main',
        'deb-src http://src.example/debian bookworm main',
        'deb [arch=amd64 signed-by=/k.gpg] https://vendor.example/apt nodistro main',
        'deb [arch=amd64] http://mirror.internal:3142/debian/ bookworm main contrib',
        'deb http://mirror.internal:3142/debian-security bookworm-security main',
      ].join('\n'),
    );
    const r = await mirrors(etc);
    expect(r).toMatchObject({
      code: 0,
      out: 'mirror http://mirror.internal:3142/debian\nsecurity http://mirror.internal:3142/debian-security\n',
    });
  });

  it('reads deb822 .sources files (several suites per paragraph, Enabled: no skipped)', async () => {
    fs.writeFileSync(
      path.join(etc, 'sources.list.d', 'debian.sources'),
      [
        'Types: deb',
        'URIs: http://off.example/debian',
        'Suites: bookworm',
        'Components: main',
        'Enabled: no',
        '',
        'Types: deb deb-src',
        '# a comment inside',
        'URIs: https://proxy.corp/debian',
        'Suites: bookworm bookworm-updates',
        'Components: main',
        '',
        'Types: deb',
        'URIs: https://proxy.corp/debian-security',
        'Suites: bookworm-security',
        'Components: main',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(etc, 'sources.list.d', 'other.list.disabled'),
      'deb http://disabled.example/debian bookworm main\n',
    );
    const r = await mirrors(etc);
    expect(r).toMatchObject({
      code: 0,
      out: 'mirror https://proxy.corp/debian\nsecurity https://proxy.corp/debian-security\n',
    });
  });

  it('the environment overrides the apt sources', async () => {
    fs.writeFileSync(path.join(etc, 'sources.list'), 'deb http://mirror.internal/debian bookworm main\n');
    const r = await mirrors(etc, {
      BERTH_DEBIAN_MIRROR: 'http://127.0.0.1:9/debian',
      BERTH_DEBIAN_SECURITY_MIRROR: 'http://127.0.0.1:9/sec',
    });
    expect(r.out).toBe('mirror http://127.0.0.1:9/debian\nsecurity http://127.0.0.1:9/sec\n');
  });

  it('no apt source and no override: none, and debootstrap is never given a made-up host', async () => {
    expect((await mirrors(etc)).out).toBe('mirror none\nsecurity \n');
  });

  it('no script names a package host', () => {
    const hosts = /deb\.debian\.org|security\.debian\.org|registry\.npmjs\.org|registry\.yarnpkg\.com|nodejs\.org/;
    for (const file of fs.readdirSync(path.join(root, 'scripts'))) {
      const text = fs.readFileSync(path.join(root, 'scripts', file), 'utf8');
      expect({ file, host: hosts.exec(text)?.[0] }).toEqual({ file, host: undefined });
    }
  });
});
