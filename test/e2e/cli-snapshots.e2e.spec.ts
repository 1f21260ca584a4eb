import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestContext, testBaseUrl, uniqueName } from '#testing';
import { CLI, expectOneLineError, run, type Run } from './cli-runner.js';

/**
 * `berth ws snapshot|snapshots|restore|clone` and `berth trash ls|restore|purge` against the real
 * server, worker and engine: a home's file survives a bad overwrite through restore and clone,
 * a deleted workspace comes back from the trash, a purge needs --yes; every command speaks
 * --json, and failures are one line with the documented exit code.
 */
describe('berth CLI: snapshots and the trash', () => {
  let ctx: TestContext;
  let home: string;
  let env: Record<string, string>;
  const berth = (args: string[]): Promise<Run> =>
    run(process.execPath, [CLI, ...args], { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), ...env });
  const json = <T>(r: Run): T => {
    expect(r).toMatchObject({ code: 0 });
    return JSON.parse(r.stdout) as T;
  };
  const cat = async (name: string): Promise<string> =>
    json<{ stdout: string }>(await berth(['ws', 'exec', name, '--json', '--', 'cat', '/home/dev/notes'])).stdout;
  const write = async (name: string, text: string): Promise<void> => {
    const r = await berth(['ws', 'exec', name, '--', 'sh', '-c', `echo ${text} > /home/dev/notes`]);
    expect(r.code).toBe(0);
  };

  beforeAll(async () => {
    ctx = await TestContext.create();
    const dev = await ctx.newUser();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cli-snap-'));
    env = { BERTH_URL: testBaseUrl(), BERTH_TOKEN: dev.client.token };
    const { name: template } = await ctx.newTemplate({ resources: { cpus: 0.25, memoryMb: 128 } }, { prefix: 'clis' });
    const created = await berth(['ws', 'create', 'notes', '-t', template, '--wait', '--json']);
    expect(json<{ status: string }>(created).status).toBe('running');
  });

  afterAll(async () => {
    for (const name of ['notes', 'notes-copy']) await berth(['ws', 'rm', name, '--wait']);
    fs.rmSync(home, { recursive: true, force: true });
    await ctx.cleanup();
  });

  it('snapshot --wait, snapshots, restore --wait and clone --from-snapshot keep the home', async () => {
    await write('notes', 'first');
    const snapshot = json<{ id: string; status: string; kind: string }>(
      await berth(['ws', 'snapshot', 'notes', '--wait', '--json']),
    );
    expect(snapshot).toMatchObject({ status: 'ready', kind: 'manual' });

    const list = json<{ id: string; takenBy: string }[]>(await berth(['ws', 'snapshots', 'notes', '--json']));
    expect(list.find((s) => s.id === snapshot.id)).toMatchObject({ takenBy: 'user' });
    const human = await berth(['ws', 'snapshots', 'notes']);
    expect(human.stdout).toMatch(/^ID\s+TAKEN\s+BY\s+STATUS\s+SIZE\s+VERSION/);
    expect(human.stdout).toContain(snapshot.id);

    await write('notes', 'overwritten');
    const restored = json<{ status: string }>(await berth(['ws', 'restore', 'notes', snapshot.id, '--wait', '--json']));
    expect(restored.status).toBe('running');
    expect(await cat('notes')).toBe('first\n');
    // The home before the restore was kept as a snapshot of its own.
    const after = json<{ kind: string }[]>(await berth(['ws', 'snapshots', 'notes', '--json']));
    expect(after.some((s) => s.kind === 'before-restore')).toBe(true);

    const clone = await berth([
      'ws',
      'clone',
      'notes',
      'notes-copy',
      '--from-snapshot',
      snapshot.id,
      '--wait',
      '--json',
    ]);
    expect(json<{ name: string; status: string }>(clone)).toMatchObject({ name: 'notes-copy', status: 'running' });
    expect(await cat('notes-copy')).toBe('first\n');
  });

  it('trash ls, restore and purge --yes; purge without --yes is refused', async () => {
    expect((await berth(['ws', 'rm', 'notes-copy', '--wait'])).code).toBe(0);
    const listed = json<{ items: { name: string; workspaceId: string }[] }>(await berth(['trash', 'ls', '--json']));
    const item = listed.items.find((t) => t.name === 'notes-copy');
    expect(item).toBeDefined();
    expect((await berth(['trash', 'ls'])).stdout).toMatch(/^NAME\s+DELETED\s+PURGED AT\s+SIZE\s+ID/);

    const back = json<{ status: string }>(await berth(['trash', 'restore', 'notes-copy', '--json']));
    expect(back.status).toBe('stopped');
    expect((await berth(['ws', 'start', 'notes-copy', '--wait'])).code).toBe(0);
    expect(await cat('notes-copy')).toBe('first\n');

    expect((await berth(['ws', 'rm', 'notes-copy', '--wait'])).code).toBe(0);
    const refused = await berth(['trash', 'purge', 'notes-copy']);
    expect(refused.code).toBe(1);
    expectOneLineError(refused);
    const purged = json<{ purging: boolean }>(await berth(['trash', 'purge', item!.workspaceId, '--yes', '--json']));
    expect(purged.purging).toBe(true);
  });

  it('errors are one line with the documented exit codes, --json ones as JSON', async () => {
    const unknownSnapshot = await berth(['ws', 'restore', 'notes', randomUUID()]);
    expect(unknownSnapshot.code).toBe(2);
    expectOneLineError(unknownSnapshot);
    const noWorkspace = await berth(['--json', 'ws', 'snapshot', uniqueName('nope')]);
    expect(noWorkspace.code).toBe(2);
    expect(JSON.parse(noWorkspace.stderr)).toMatchObject({ exitCode: 2 });
    const noTrash = await berth(['trash', 'restore', uniqueName('nope')]);
    expect(noTrash.code).toBe(2);
    expectOneLineError(noTrash);
    const badId = await berth(['ws', 'clone', 'notes', 'x1', '--from-snapshot', 'not-a-uuid']);
    expect(badId.code).toBe(1);
    expectOneLineError(badId);
  });

  it('shell completion offers the new commands', async () => {
    const bash = await berth(['completion', 'bash']);
    for (const word of ['snapshot', 'snapshots', 'restore', 'clone', '--from-snapshot', 'trash', 'purge'])
      expect(bash.stdout).toContain(word);
    expect((await berth(['completion', 'zsh'])).stdout).toContain("'trash:");
  });
});
