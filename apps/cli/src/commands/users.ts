import fs from 'node:fs';
import { type Command } from 'commander';
import { type View } from '../api.js';
import { print, table } from '../output.js';
import { collect, connect } from './context.js';

type User = View<'User'>;
type CreatedToken = View<'CreatedToken'>;

export function registerUsers(program: Command): void {
  const users = program.command('users').description('accounts (admins)');
  users
    .command('add <email>')
    .description('create the account, or bring it to this name and role; safe to run again')
    .option('--role <role>', 'admin or developer', 'developer')
    .option('--name <name>', "display name (default: the email's local part)")
    .option('--token-out <file>', 'also make a token on their behalf and write it to this file (mode 600)')
    .option('--token-name <name>', 'name of that token', 'onboarding')
    .option('--json', 'print JSON')
    .action(
      async (
        email: string,
        opts: { role: string; name?: string; tokenOut?: string; tokenName: string },
        cmd: Command,
      ) => {
        const api = connect();
        const pending = api.client.PUT('/api/v1/users/by-email/{email}', {
          params: { path: { email } },
          body: { role: opts.role as User['role'], ...(opts.name === undefined ? {} : { name: opts.name }) },
        });
        const user = await api.call(pending);
        const created = (await pending).response.status === 201;
        // A token only when there is none handed over yet: a second run leaves the file alone.
        let token: Omit<CreatedToken, 'token'> | null = null;
        if (opts.tokenOut && !fs.existsSync(opts.tokenOut)) {
          const made = await api.call(
            api.client.POST('/api/v1/users/{id}/tokens', {
              params: { path: { id: user.id } },
              body: { name: opts.tokenName },
            }),
          );
          fs.writeFileSync(opts.tokenOut, `${made.token}\n`, { mode: 0o600, flag: 'wx' });
          token = { id: made.id, name: made.name, scopes: made.scopes, expiresAt: made.expiresAt };
        }
        print(cmd, { user, created, token }, [
          `${email}: ${created ? 'created' : 'exists'} (${user.role})`,
          ...(token ? [`token ${token.name} written to ${opts.tokenOut ?? ''}`] : []),
        ]);
      },
    );
  users
    .command('ls')
    .description('list accounts')
    .option('--json', 'print JSON')
    .action(async (_opts: unknown, cmd: Command) => {
      const api = connect();
      const list = await api.all((cursor) =>
        api.client.GET('/api/v1/users', { params: { query: { limit: 200, cursor } } }),
      );
      print(cmd, list, table([['EMAIL', 'ROLE', 'ID'], ...list.map((u) => [u.email, u.role, u.id])]));
    });
}

export function registerTokens(program: Command): void {
  const tokens = program.command('tokens').description('your API tokens');
  tokens
    .command('create <name>')
    .description('make a token; its secret is printed once')
    .option('--expires-in-days <days>', 'expiry')
    .option('--scope <scope>', 'limit it to a scope (repeatable), e.g. workspaces:read', collect, [])
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { expiresInDays?: string; scope: string[] }, cmd: Command) => {
      const api = connect();
      const made: CreatedToken = await api.call(
        api.client.POST('/api/v1/tokens', {
          body: {
            name,
            ...(opts.expiresInDays === undefined ? {} : { expiresInDays: Number(opts.expiresInDays) }),
            ...(opts.scope.length > 0 ? { scopes: opts.scope as View<'CreateTokenDto'>['scopes'] } : {}),
          },
        }),
      );
      print(cmd, made, made.token);
    });
  tokens
    .command('ls')
    .description('list your tokens (never their secrets)')
    .option('--json', 'print JSON')
    .action(async (_opts: unknown, cmd: Command) => {
      const api = connect();
      const list = await api.all((cursor) =>
        api.client.GET('/api/v1/tokens', { params: { query: { limit: 200, cursor } } }),
      );
      print(
        cmd,
        list,
        table([
          ['NAME', 'PREFIX', 'SCOPES', 'EXPIRES', 'ID'],
          ...list.map((t) => [t.name, t.prefix, t.scopes.join(','), t.expiresAt ?? 'never', t.id]),
        ]),
      );
    });
  tokens
    .command('revoke <id>')
    .description('revoke a token for good')
    .option('--json', 'print JSON')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const api = connect();
      await api.call(api.client.DELETE('/api/v1/tokens/{id}', { params: { path: { id } } }));
      print(cmd, { id, revoked: true }, `${id}: revoked`);
    });
}
