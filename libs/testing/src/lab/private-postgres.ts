import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { waitFor } from '../wait-for.js';
import { run } from './run.js';

/**
 * A PostgreSQL cluster of the test's own (initdb into a folder, on a free port), so a fault test
 * can stop, restart or crash it without touching the machine's database. Runs as the `postgres`
 * OS user when the tests run as root (the server refuses root).
 */
export class PrivatePostgres {
  private readonly dataDir: string;

  constructor(
    private readonly dir: string,
    readonly port: number,
  ) {
    this.dataDir = path.join(dir, 'data');
  }

  url(database: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async start(): Promise<void> {
    const bin = await pgBinDir();
    if (!fs.existsSync(path.join(this.dataDir, 'PG_VERSION'))) {
      fs.rmSync(this.dir, { recursive: true, force: true });
      fs.mkdirSync(this.dataDir, { recursive: true });
      await asPostgresOwner(this.dir);
      await this.pg(`${bin}/initdb`, [
        '-D',
        this.dataDir,
        '-U',
        'postgres',
        '-A',
        'trust',
        '-E',
        'UTF8',
        '--locale=C.UTF-8',
      ]);
      // Tests only: durability off makes start-up and writes fast; nothing here must survive the machine.
      fs.appendFileSync(
        path.join(this.dataDir, 'postgresql.conf'),
        "listen_addresses = '127.0.0.1'\nunix_socket_directories = ''\nfsync = off\nfull_page_writes = off\n",
      );
    }
    await this.pg(`${bin}/pg_ctl`, [
      '-D',
      this.dataDir,
      '-l',
      path.join(this.dir, 'server.log'),
      '-o',
      `-p ${this.port}`,
      '-w',
      '-t',
      '30',
      'start',
    ]);
    await waitFor(() => this.answers(), Boolean, `postgres on port ${this.port}`, 30_000, 100);
  }

  /** `fast` disconnects clients and stops cleanly; `immediate` is a crash (recovery on next start). */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    const bin = await pgBinDir();
    await this.pg(`${bin}/pg_ctl`, ['-D', this.dataDir, '-m', mode, '-w', 'stop']).catch(() => undefined);
  }

  async answers(): Promise<boolean> {
    const client = new pg.Client({ connectionString: this.url('postgres'), connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async pg(cmd: string, args: string[]): Promise<string> {
    return process.getuid?.() === 0
      ? run('runuser', ['-u', 'postgres', '--', cmd, ...args], { cwd: '/' })
      : run(cmd, args);
  }
}

/**
 * Creates (or re-creates) `database` on the server of `adminUrl` as a copy of `sourceUrl`'s schema
 * and migration history: the state `prisma migrate deploy` leaves, in a second instead of ten.
 */
export async function cloneDatabase(adminUrl: string, database: string, sourceUrl: string): Promise<string> {
  await run('psql', [
    '-X',
    '-q',
    '-d',
    adminUrl,
    '-c',
    `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`,
    '-c',
    `CREATE DATABASE "${database}"`,
  ]);
  const schema = await run('pg_dump', ['--schema-only', '--no-owner', '--no-privileges', '-d', sourceUrl]);
  const history = await run('pg_dump', ['--data-only', '--no-owner', '-t', '_prisma_migrations', '-d', sourceUrl]);
  const url = adminUrl.replace(/\/[^/?]*(\?.*)?$/, `/${database}`);
  await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url], { input: schema + history });
  return url;
}

async function asPostgresOwner(dir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  await run('chown', ['-R', 'postgres:', dir]);
  fs.chmodSync(path.join(dir, 'data'), 0o700);
}

async function pgBinDir(): Promise<string> {
  const versions = fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  const found = versions.map((v) => `/usr/lib/postgresql/${v}/bin`).find((d) => fs.existsSync(`${d}/pg_ctl`));
  if (!found) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)');
  return Promise.resolve(found);
}
