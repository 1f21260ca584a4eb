import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ApiClient,
  containersOf,
  createDeveloper,
  dockerExec,
  homeManifest,
  readFromVolume,
  signIn,
  testAdmin,
  uniqueName,
  waitFor,
} from '#testing';
import { testEnv } from '../setup/test-env.js';

interface Snapshot {
  id: string;
  kind: string;
  status: string;
  sizeBytes: number | null;
  sha256: string | null;
  templateVersion: number;
  createdById: string | null;
  error: string | null;
}
interface Build {
  id: string;
  status: string;
  error: string | null;
}

/** A tree with nested directories, a symlink, a 0600 file of the template user, a 50 MB file and an empty directory. */
const TREE = [
  'set -e',
  'B=/bin/busybox',
  '$B mkdir -p ~/src/deep/er ~/empty',
  'echo nested > ~/src/deep/er/file.txt',
  '$B ln -s src/deep/er/file.txt ~/link',
  'echo secret > ~/secret && $B chmod 600 ~/secret',
  '$B dd if=/dev/urandom of=$HOME/big.bin bs=1048576 count=50 2>/dev/null',
  '$B touch -d "2021-02-03 04:05:06" ~/src/deep/er/file.txt ~/src/deep',
].join('\n');

/**
 * Snapshots and restore (README "Your data") against the real engine and the local store: the
 * manifest of a home (files, owners, modes, symlinks, timestamps) is the same after a restore in
 * place and in a clone; a snapshot of a running workspace is one consistent moment; a damaged
 * archive is refused before anything changes; quota and other users' ids get 4xx, changing nothing.
 */
describe('snapshots and restore (real Docker, local store)', () => {
  let admin: ApiClient;
  let dev: ApiClient;
  let devId: string;
  let other: ApiClient;
  let otherId: string;
  let templateId: string;

  const snapshotsOf = async (client: ApiClient, id: string): Promise<Snapshot[]> =>
    ((await client.get(`/workspaces/${id}/snapshots`)).body as { items: Snapshot[] }).items;
  const waitReady = (client: ApiClient, id: string, snapshotId: string): Promise<Snapshot> =>
    waitFor(
      async () => (await client.get(`/workspaces/${id}/snapshots/${snapshotId}`)).body as Snapshot,
      (s) => s.status === 'ready' || s.status === 'failed',
      `snapshot ${snapshotId} to be written`,
      120_000,
    );
  const take = async (client: ApiClient, id: string): Promise<Snapshot> => {
    const res = await client.post(`/workspaces/${id}/snapshots`);
    expect(res.status).toBe(202);
    const snapshot = await waitReady(client, id, (res.body as { id: string }).id);
    expect(snapshot).toMatchObject({ status: 'ready', error: null });
    return snapshot;
  };
  const create = async (client: ApiClient, body: object = {}): Promise<string> => {
    const res = await client.post('/workspaces', { name: uniqueName('snap'), templateId, ...body });
    expect(res.status).toBe(202);
    const id = (res.body as { id: string }).id;
    await client.waitForStatus(id, 'running', 120_000);
    return id;
  };
  const lastBuild = async (id: string): Promise<Build> =>
    ((await dev.get(`/workspaces/${id}/builds`)).body as Build[])[0]!;
  const inWorkspace = async (id: string, script: string): Promise<string> =>
    dockerExec((await containersOf(id))[0]!.Id, ['/bin/busybox', 'sh', '-c', script]);

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    ({ client: dev, id: devId } = await createDeveloper(admin));
    ({ client: other, id: otherId } = await createDeveloper(admin));
    templateId = (
      (
        await admin.post('/templates', {
          name: uniqueName('snap'),
          spec: { image: 'berth/busybox:test', resources: { cpus: 0.5, memoryMb: 256 } },
        })
      ).body as { id: string }
    ).id;
  });

  it('round trip: the manifest is identical after a restore in place and in a clone; the restore can be undone', async () => {
    const id = await create(dev);
    await inWorkspace(id, TREE);
    const before = await homeManifest(id);
    expect(before.find((l) => l.startsWith('./secret|'))).toMatch(/^\.\/secret\|regular file\|600\|1000\|1000\|/);
    expect(before.find((l) => l.startsWith('./link|'))).toContain("'./link' -> 'src/deep/er/file.txt'");
    expect(before.find((l) => l.startsWith('./empty|'))).toMatch(/\|directory\|/);
    expect(before.find((l) => l.startsWith('./big.bin|'))).toMatch(/\|52428800\|/);

    const snapshot = await take(dev, id);
    expect(snapshot).toMatchObject({ kind: 'manual', templateVersion: 1, createdById: devId });
    expect(snapshot.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(snapshot.sizeBytes).toBeGreaterThan(50 * 1024 * 1024); // random data does not compress

    // A bad rm -rf, then the restore.
    await inWorkspace(id, '/bin/busybox rm -rf ~/src ~/secret && echo junk > ~/junk');
    const restore = await dev.post(`/workspaces/${id}/snapshots/${snapshot.id}/restore`);
    expect(restore.status).toBe(202);
    await dev.waitForStatus(id, 'running', 120_000);
    expect(await lastBuild(id)).toMatchObject({ status: 'succeeded' });
    expect(await homeManifest(id)).toEqual(before);

    // The home as it was before the restore was kept: restoring that one undoes the restore.
    const undo = (await snapshotsOf(dev, id)).find((s) => s.kind === 'before-restore');
    expect(undo).toMatchObject({ status: 'ready', createdById: devId });
    expect((await dev.post(`/workspaces/${id}/snapshots/${undo!.id}/restore`)).status).toBe(202);
    await dev.waitForStatus(id, 'running', 120_000);
    expect(await readFromVolume(id, 'junk')).toBe('junk\n');

    // A clone: a new workspace whose home starts as the snapshot.
    const clone = await create(dev, { fromSnapshot: snapshot.id });
    expect(await homeManifest(clone)).toEqual(before);
  });

  it('a snapshot while a process writes is one moment: whole lines only, checksum verified on restore', async () => {
    const id = await create(dev);
    await inWorkspace(
      id,
      'i=0; while [ $i -lt 200000 ]; do i=$((i+1)); echo "$i abcdefghijklmnopqrstuvwxyz0123456789"; /bin/busybox usleep 50; done >> ~/log 2>/dev/null &',
    );
    await waitFor(
      () => inWorkspace(id, '/bin/busybox wc -l < ~/log'),
      (n) => Number(n.trim()) > 500,
      'the writer to be writing',
      20_000,
    );
    const snapshot = await take(dev, id);
    const writtenAfter = Number((await inWorkspace(id, '/bin/busybox wc -l < ~/log')).trim());

    const clone = await create(dev, { fromSnapshot: snapshot.id });
    const lines = (await readFromVolume(clone, 'log')).split('\n');
    expect(lines.pop()).toBe(''); // ends with a newline: no half-written line
    lines.forEach((line, i) => expect(line).toBe(`${i + 1} abcdefghijklmnopqrstuvwxyz0123456789`));
    expect(lines.length).toBeGreaterThan(500);
    expect(lines.length).toBeLessThanOrEqual(writtenAfter);
  });

  it('a damaged archive is refused by its checksum before the home is touched', async () => {
    const id = await create(dev);
    await inWorkspace(id, 'echo original > ~/file');
    const snapshot = await take(dev, id);
    await inWorkspace(id, 'echo changed > ~/file');
    const path = join(testEnv().BERTH_DATA_DIR!, 'snapshots', devId, id, `${snapshot.id}.tar.gz`);
    const bytes = await readFile(path);
    const middle = bytes.length >> 1;
    bytes.writeUInt8(bytes.readUInt8(middle) ^ 0xff, middle);
    await writeFile(path, bytes);

    expect((await dev.post(`/workspaces/${id}/snapshots/${snapshot.id}/restore`)).status).toBe(202);
    const failed = await dev.waitForStatus(id, 'failed', 120_000);
    expect(String(failed.lastError)).toMatch(/is damaged: its checksum does not match/);
    expect(await readFromVolume(id, 'file')).toBe('changed\n');
  });

  it('bad input: full quota, another user’s workspace or snapshot id get 4xx and change nothing', async () => {
    const id = await create(dev);
    const mine = await take(dev, id);
    const theirs = await create(other);
    const count = (await snapshotsOf(dev, id)).length;

    // Another user's workspace: its snapshots are not there (404), nor can it be restored into.
    expect((await other.post(`/workspaces/${id}/snapshots`)).status).toBe(404);
    expect((await other.get(`/workspaces/${id}/snapshots`)).status).toBe(404);
    expect((await other.post(`/workspaces/${id}/snapshots/${mine.id}/restore`)).status).toBe(404);
    // Another user's snapshot id, on one's own workspace or for a clone: 404.
    expect((await other.post(`/workspaces/${theirs}/snapshots/${mine.id}/restore`)).status).toBe(404);
    const clone = await other.post('/workspaces', { name: uniqueName('steal'), templateId, fromSnapshot: mine.id });
    expect(clone.status).toBe(404);
    expect(((await other.get('/workspaces')).body as unknown[]).length).toBe(1);

    // Full snapshot storage: a clear 403, nothing written.
    expect((await admin.patch(`/users/${devId}`, { quota: { maxSnapshotMb: 0 } })).status).toBe(200);
    const full = await dev.post(`/workspaces/${id}/snapshots`);
    expect(full.status).toBe(403);
    expect(full.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((full.body as { detail: string }).detail).toMatch(/^snapshot storage is full: .* MiB used of 0 MiB/);
    expect((await snapshotsOf(dev, id)).length).toBe(count);
    const me = (await dev.get('/users/me')).body as { quota: { snapshots: { usedBytes: number; maxMb: number } } };
    expect(me.quota.snapshots.maxMb).toBe(0);
    expect(me.quota.snapshots.usedBytes).toBeGreaterThanOrEqual(mine.sizeBytes!);
    expect((await admin.patch(`/users/${otherId}`, { quota: { maxSnapshotMb: null } })).status).toBe(200);
  });
});
