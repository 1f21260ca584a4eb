import { type Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BerthApi, type View } from '../api.js';
import { CliFailure, EXIT } from '../exit-codes.js';
import { print, table } from '../output.js';
import { connect } from './context.js';
import { DEFAULT_WAIT_S, failIfFailed, wait } from './workspaces.js';

type Snapshot = View<'Snapshot'>;

const POLL_MS = 500;

/**
 * `berth ws snapshot|snapshots|restore|clone`: the home's snapshots (README "Your data"). Added
 * under `ws` from here so the workspace commands' file stays the lifecycle's.
 */
export function registerSnapshots(program: Command): void {
  const ws = program.commands.find((c) => c.name() === 'ws');
  if (!ws) throw new Error('registerWorkspaces must run first');

  ws.command('snapshot <name>')
    .description('take a snapshot of the home (a running workspace pauses while it is read)')
    .option('--wait', 'wait until it is written (exit 5 if it fails)')
    .option('--timeout <seconds>', 'how long --wait waits', DEFAULT_WAIT_S)
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { wait?: boolean; timeout: string }, cmd: Command) => {
      const api = connect();
      const target = await api.workspaceByName(name);
      const taken = await api.call(
        api.client.POST('/api/v1/workspaces/{id}/snapshots', { params: { path: { id: target.id } } }),
      );
      if (!opts.wait) return print(cmd, taken, `${name}: snapshot ${taken.id} ${taken.status}`);
      const final = await settle(api, target.id, taken.id, seconds(opts.timeout));
      print(cmd, final, `${name}: snapshot ${final.id} ${final.status} (${size(final.sizeBytes)})`);
      if (final.status === 'failed')
        throw new CliFailure(`snapshot ${final.id} failed: ${final.error ?? 'no reason given'}`, EXIT.server);
    });

  ws.command('snapshots <name>')
    .description("list a workspace's snapshots, newest first")
    .option('--json', 'print JSON')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const api = connect();
      const target = await api.workspaceByName(name);
      const list = (
        await api.call(api.client.GET('/api/v1/workspaces/{id}/snapshots', { params: { path: { id: target.id } } }))
      ).items;
      const rows = list.map((s) => [
        s.id,
        s.createdAt,
        takenBy(s),
        s.status,
        size(s.sizeBytes),
        `v${s.templateVersion}`,
      ]);
      print(
        cmd,
        list,
        list.length === 0
          ? `${name}: no snapshots`
          : table([['ID', 'TAKEN', 'BY', 'STATUS', 'SIZE', 'VERSION'], ...rows]),
      );
    });

  ws.command('restore <name> <snapshotId>')
    .description('put a snapshot back into the home (the current home is snapshotted first, so it can be undone)')
    .option('--wait', 'wait until the workspace runs again (exit 5 if it fails)')
    .option('--timeout <seconds>', 'how long --wait waits', DEFAULT_WAIT_S)
    .option('--json', 'print JSON')
    .action(async (name: string, snapshotId: string, opts: { wait?: boolean; timeout: string }, cmd: Command) => {
      const api = connect();
      const target = await api.workspaceByName(name);
      const { build } = await api.call(
        api.client.POST('/api/v1/workspaces/{id}/snapshots/{snapshotId}/restore', {
          params: { path: { id: target.id, snapshotId } },
        }),
      );
      if (!opts.wait) return print(cmd, build, `${name}: restore requested (build ${build.id})`);
      const final = await wait(api, target.id, ['running'], opts.timeout, cmd);
      print(cmd, final, `${name}: restored, ${final.status}`);
      failIfFailed(final);
    });

  ws.command('clone <name> <newName>')
    .description('a new workspace of the same template whose home starts as a snapshot')
    .requiredOption('--from-snapshot <snapshotId>', 'the snapshot its home begins with')
    .option('--wait', 'wait until the clone runs (exit 5 if it fails)')
    .option('--timeout <seconds>', 'how long --wait waits', DEFAULT_WAIT_S)
    .option('--json', 'print JSON')
    .action(
      async (
        name: string,
        newName: string,
        opts: { fromSnapshot: string; wait?: boolean; timeout: string },
        cmd: Command,
      ) => {
        const api = connect();
        const source = await api.workspaceByName(name);
        const created = await api.call(
          api.client.POST('/api/v1/workspaces', {
            body: { name: newName, templateId: source.templateId, fromSnapshot: opts.fromSnapshot },
          }),
        );
        const final = opts.wait ? await wait(api, created.id, ['running'], opts.timeout, cmd) : created;
        print(cmd, final, `${newName}: cloned from ${name} (snapshot ${opts.fromSnapshot}), ${final.status}`);
        failIfFailed(final);
      },
    );
}

/** Polls the snapshot until it is ready or failed (a snapshot has no event stream of its own). */
async function settle(api: BerthApi, workspaceId: string, id: string, timeoutS: number): Promise<Snapshot> {
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    const s = await api.call(
      api.client.GET('/api/v1/workspaces/{id}/snapshots/{snapshotId}', {
        params: { path: { id: workspaceId, snapshotId: id } },
      }),
    );
    if (s.status === 'ready' || s.status === 'failed') return s;
    if (Date.now() > deadline)
      throw new CliFailure(`snapshot ${id} is still ${s.status} after ${timeoutS} s`, EXIT.server);
    await sleep(POLL_MS); // a timer that keeps the process alive (#common's sleep is unref'd)
  }
}

export function seconds(timeout: string): number {
  const s = Number(timeout);
  if (!Number.isFinite(s) || s <= 0) throw new CliFailure('--timeout wants seconds', EXIT.usage);
  return s;
}

const takenBy = (s: Snapshot): string =>
  s.kind === 'scheduled' ? 'schedule' : s.kind === 'before-restore' ? 'restore' : (s.createdById ?? 'berth');

export function size(bytes: number | null): string {
  if (bytes === null) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = bytes;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}
