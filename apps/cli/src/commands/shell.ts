import { type Command } from 'commander';
import WebSocket from 'ws';
import { CliFailure, EXIT } from '../exit-codes.js';
import { connect } from './context.js';

/** `berth shell NAME`: the workspace's terminal over its WebSocket, in the local TTY (raw mode). */
export function registerShell(program: Command): void {
  program
    .command('shell <name>')
    .description('an interactive shell in a running workspace (its terminal WebSocket)')
    .action(async (name: string) => {
      const api = connect();
      const target = await api.workspaceByName(name);
      const size = (): { cols: number; rows: number } => ({
        cols: process.stdout.columns || 80,
        rows: process.stdout.rows || 24,
      });
      const socket = new WebSocket(api.terminalUrl(target.id, size().cols, size().rows), {
        headers: { Authorization: `Bearer ${api.credentials.token}` },
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('unexpected-response', (_req, res) => {
          const status = res.statusCode ?? 0;
          const code =
            status === 404
              ? EXIT.notFound
              : status === 401 || status === 403
                ? EXIT.auth
                : status === 409
                  ? EXIT.conflict
                  : EXIT.server;
          reject(new CliFailure(`terminal refused: HTTP ${status}`, code));
        });
        socket.once('error', (error) => reject(new CliFailure(`terminal: ${error.message}`, EXIT.server)));
      });
      const stdin = process.stdin;
      if (stdin.isTTY) stdin.setRawMode(true);
      stdin.resume();
      const onInput = (chunk: Buffer): void =>
        socket.send(JSON.stringify({ type: 'input', data: chunk.toString('utf8') }));
      const onResize = (): void => socket.send(JSON.stringify({ type: 'resize', ...size() }));
      stdin.on('data', onInput);
      process.stdout.on('resize', onResize);
      socket.on('message', (data: Buffer) => process.stdout.write(data));
      await new Promise<void>((resolve) => socket.once('close', () => resolve()));
      stdin.off('data', onInput);
      process.stdout.off('resize', onResize);
      if (stdin.isTTY) stdin.setRawMode(false);
      // A paused pipe could keep the process alive; nothing reads stdin after the shell ended.
      stdin.destroy();
    });
}
