import { type Command } from 'commander';
import { type BerthApi, type View } from '../api.js';
import { CliFailure, EXIT } from '../exit-codes.js';
import { print, table } from '../output.js';
import { connect } from './context.js';
import { size } from './snapshots.js';

/** One deleted workspace whose home volume is still kept (GET /trash). */
type TrashItem = View<'TrashItem'>;

/** `berth trash ls|restore|purge`: deleted workspaces whose home is kept for BERTH_TRASH_DAYS. */
export function registerTrash(program: Command): void {
  const trash = program.command('trash').description('deleted workspaces whose home is still kept: ls, restore, purge');

  trash
    .command('ls')
    .description('what the trash holds, newest first, and when each is purged')
    .option('--json', 'print JSON')
    .action(async (_opts: unknown, cmd: Command) => {
      const api = connect();
      const list = await api.call(api.client.GET('/api/v1/trash'));
      const rows = list.items.map((t) => [
        t.name,
        t.deletedAt,
        t.purging ? 'purging' : t.expiresAt,
        size(t.homeUsageBytes),
        t.workspaceId,
      ]);
      print(
        cmd,
        list,
        list.items.length === 0
          ? `the trash is empty (deleted homes are kept ${list.trashDays} days)`
          : table([['NAME', 'DELETED', 'PURGED AT', 'SIZE', 'ID'], ...rows]),
      );
    });

  trash
    .command('restore <nameOrId>')
    .description('bring a deleted workspace back, stopped, with its home')
    .option('--json', 'print JSON')
    .action(async (nameOrId: string, _opts: unknown, cmd: Command) => {
      const api = connect();
      const item = await findTrashed(api, nameOrId);
      const restored = await api.call(
        api.client.POST('/api/v1/trash/{workspaceId}/restore', { params: { path: { workspaceId: item.workspaceId } } }),
      );
      print(cmd, { ...restored, name: item.name }, `${item.name}: restored, ${restored.status}`);
    });

  trash
    .command('purge <nameOrId>')
    .description('delete a trashed home for good (no undo)')
    .option('--yes', 'confirm: the home volume is deleted for good')
    .option('--json', 'print JSON')
    .action(async (nameOrId: string, opts: { yes?: boolean }, cmd: Command) => {
      if (!opts.yes) throw new CliFailure('purge deletes the home for good: add --yes to confirm', EXIT.usage);
      const api = connect();
      const item = await findTrashed(api, nameOrId);
      // --yes is the typed confirmation the API asks of a non-admin: the workspace's name.
      await api.call(
        api.client.DELETE('/api/v1/trash/{workspaceId}', {
          params: { path: { workspaceId: item.workspaceId }, query: { confirm: item.name } },
        }),
      );
      print(cmd, { workspaceId: item.workspaceId, name: item.name, purging: true }, `${item.name}: purging`);
    });
}

/** A trashed workspace by id, or by name when only one has it (a name may have been deleted twice). */
async function findTrashed(api: BerthApi, nameOrId: string): Promise<TrashItem> {
  const items = (await api.call(api.client.GET('/api/v1/trash'))).items;
  const byId = items.find((t) => t.workspaceId === nameOrId);
  if (byId) return byId;
  const named = items.filter((t) => t.name === nameOrId);
  if (named.length === 0) throw new CliFailure(`nothing named ${nameOrId} in the trash`, EXIT.notFound);
  if (named.length > 1)
    throw new CliFailure(`${named.length} trashed workspaces are named ${nameOrId}: give the id`, EXIT.conflict);
  return named[0]!;
}
