#!/usr/bin/env node
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { BerthApi } from './api.js';
import { saveCredentials } from './credentials.js';
import { registerCompletion } from './commands/completion.js';
import { connect } from './commands/context.js';
import { registerShell } from './commands/shell.js';
import { registerSnapshots } from './commands/snapshots.js';
import { registerTrash } from './commands/trash.js';
import { registerTemplates } from './commands/templates.js';
import { registerTokens, registerUsers } from './commands/users.js';
import { registerWorkspaces } from './commands/workspaces.js';
import { CliFailure, EXIT, exitCodeOf, messageOf } from './exit-codes.js';
import { print, wantsJson } from './output.js';
import { berthSshBlock, replaceBerthBlock } from './ssh-config.js';
import { sshStdio } from './ssh-stdio.js';

/** How OpenSSH should run this same CLI again (node + this file), quoted for ssh_config. */
function selfCommand(): string {
  const quote = (s: string): string => (/^[A-Za-z0-9_./:@%+-]+$/.test(s) ? s : `"${s.replace(/(["\\])/g, '\\$1')}"`);
  return [process.execPath, fileURLToPath(import.meta.url)].map(quote).join(' ');
}

const program = new Command()
  .name('berth')
  .description('Berth from the command line (BERTH_URL and BERTH_TOKEN override `berth login`)')
  .option('--json', 'print machine-readable JSON (errors too, on stderr)', false)
  .addHelpText(
    'after',
    "\nExit codes: 0 ok, 1 usage or invalid input, 2 not found, 3 conflict, 4 auth, 5 server or unreachable\n(`ws exec` exits with the command's own status).",
  )
  .exitOverride()
  .showHelpAfterError();

program
  .command('login')
  .description('check a URL and API token and keep them for the next commands')
  .option('--url <url>', 'Berth URL', process.env.BERTH_URL)
  .option('--token <token>', 'API token (made in the portal or with POST /tokens)', process.env.BERTH_TOKEN)
  .option('--json', 'print machine-readable JSON')
  .action(async (opts: { url?: string; token?: string }, cmd: Command) => {
    if (!opts.url || !opts.token)
      throw new CliFailure('give --url and --token (or BERTH_URL and BERTH_TOKEN)', EXIT.usage);
    const credentials = { url: opts.url.replace(/\/+$/, ''), token: opts.token };
    const api = new BerthApi(credentials);
    const me = await api.call(api.client.GET('/api/v1/users/me'));
    saveCredentials(credentials);
    print(
      cmd,
      { url: credentials.url, email: me.email, role: me.role },
      `logged in to ${credentials.url} as ${me.email}`,
    );
  });

program
  .command('ssh <workspace> [command...]')
  .description('open a shell (or run a command) in a workspace over the API; --stdio for ProxyCommand')
  .option('--stdio', 'carry the raw SSH connection on stdin/stdout (for OpenSSH ProxyCommand)')
  .option('--json', 'print machine-readable JSON (errors only)')
  .action(async (workspace: string, command: string[], opts: { stdio?: boolean }) => {
    const api = connect();
    if (opts.stdio) {
      process.exitCode = await sshStdio(api, workspace);
      return;
    }
    await api.workspaceByName(workspace); // a clear error before OpenSSH starts
    const child = spawn(
      'ssh',
      [
        '-o',
        `ProxyCommand=${selfCommand()} ssh --stdio ${workspace}`,
        '-o',
        'HostKeyAlias=berth-gateway',
        `${workspace}@berth-${workspace}`,
        ...command,
      ],
      { stdio: 'inherit' },
    );
    process.exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 255)));
  });

program
  .command('config-ssh')
  .description('write Host berth-<workspace> entries into ~/.ssh/config (between markers it owns)')
  .option('--ssh-config <file>', 'the OpenSSH config file to update', path.join(os.homedir(), '.ssh', 'config'))
  .option('--json', 'print machine-readable JSON')
  .action(async (opts: { sshConfig: string }, cmd: Command) => {
    const api = connect();
    const names = (await api.workspaces()).map((w) => w.name);
    const block = berthSshBlock(names, (ws) => `${selfCommand()} ssh --stdio ${ws}`);
    let current = '';
    try {
      current = fs.readFileSync(opts.sshConfig, 'utf8');
    } catch {
      // no config yet
    }
    fs.mkdirSync(path.dirname(opts.sshConfig), { recursive: true, mode: 0o700 });
    fs.writeFileSync(opts.sshConfig, replaceBerthBlock(current, block), { mode: 0o600 });
    print(
      cmd,
      { file: opts.sshConfig, hosts: names.map((n) => `berth-${n}`) },
      `${opts.sshConfig}: ${names.length} workspace(s): ${names.map((n) => `berth-${n}`).join(' ') || 'none'}`,
    );
  });

registerWorkspaces(program);
registerSnapshots(program);
registerTrash(program);
registerTemplates(program);
registerUsers(program);
registerTokens(program);
registerShell(program);
registerCompletion(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  const code = exitCodeOf(error);
  // Commander has printed its own usage error or help already.
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : code);
  const message = messageOf(error);
  if (wantsJson(program) || process.argv.includes('--json'))
    process.stderr.write(`${JSON.stringify({ error: message, exitCode: code })}\n`);
  else process.stderr.write(`berth: ${message}\n`);
  process.exit(code);
});
