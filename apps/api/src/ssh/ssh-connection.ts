import { finished } from 'node:stream/promises';
import { type Logger } from '@nestjs/common';
import type ssh2 from 'ssh2';
import { AGENT_RELAY_COMMAND, LOGIN_SHELL, SFTP_SERVER_COMMAND, tcpRelayCommand, type InteractiveExec } from '#runtime';
import { TtySession } from '../access/tty-session.js';
import { type WorkspaceTarget } from '../access/workspace-access.service.js';
import { startAgentRelay } from './ssh-agent-relay.js';
import { type SshIdentity } from './ssh-gateway.service.js';
import { type SshWorkspaces } from './ssh-workspaces.js';

/** Client environment variables passed into the workspace (sshd's usual AcceptEnv set). */
const ACCEPTED_ENV = /^(LANG|LC_[A-Z]+|TERM|COLORTERM)$/;
/** `ssh -L` may reach the workspace's own loopback only (its ports, never another address). */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '0.0.0.0']);

const clamp = (n: number, min: number, max: number): number => Math.min(max, Math.max(min, Math.round(n) || min));

/**
 * One authenticated SSH connection: its sessions (shell, exec, PTY, env) and its `direct-tcpip`
 * channels, each a process in the workspace. While the connection is open it counts as activity
 * for idle stop (an `ssh -N -L` tunnel has no channel until something uses it, and must still
 * keep the workspace); once it closes, or TCP keepalive gives up on a closed laptop, it stops.
 */
export class SshConnection {
  private activityTimer: NodeJS.Timeout | null = null;
  private target: Promise<WorkspaceTarget> | null = null;
  /** The agent socket's path in the workspace, once `ssh -A` asked for one (one per connection). */
  private agent: Promise<string> | null = null;

  constructor(
    private readonly client: ssh2.Connection,
    private readonly identity: SshIdentity,
    private readonly workspaces: SshWorkspaces,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.activityTimer = setInterval(() => {
      this.workspaces.recordActivity(this.identity.workspace.id);
    }, this.workspaces.activityIntervalMs);
    this.client.on('close', () => {
      if (this.activityTimer) clearInterval(this.activityTimer);
    });
    this.workspaces.recordActivity(this.identity.workspace.id);
    this.client.on('session', (accept) => this.session(accept()));
    this.client.on('tcpip', (accept, reject, info) => {
      if (!LOOPBACK.has(info.destIP)) return reject();
      void this.forward(accept, reject, info.destPort);
    });
  }

  /** Started (or refused) once per connection, however many channels ask. */
  private running(progress: (line: string) => void): Promise<WorkspaceTarget> {
    this.target ??= this.workspaces.ensureRunning(this.identity.user, this.identity.workspace.id, progress);
    return this.target;
  }

  /** Starts Berth's agent relay in the workspace as its user, ended with the connection. */
  private agentSocket(): Promise<string> {
    this.agent ??= (async () => {
      const target = await this.running(() => undefined);
      const proc = await this.workspaces.openExec(this.identity.workspace.id, {
        cmd: AGENT_RELAY_COMMAND,
        user: target.user,
        workdir: '/',
        env: { HOME: target.homePath },
        tty: null,
      });
      this.client.on('close', () => proc.close());
      return startAgentRelay(this.client, proc);
    })();
    return this.agent;
  }

  private session(session: ssh2.Session): void {
    const env: Record<string, string> = { LANG: 'C.UTF-8' };
    let pty: { cols: number; rows: number } | null = null;
    let agent = false;
    // The same TTY path as the browser terminal: window changes that arrive before the process is
    // attached are kept and applied once it is, in order with the input around them.
    const tty = new TtySession();
    session.on('env', (accept, reject, info) => {
      if (!ACCEPTED_ENV.test(info.key)) return reject?.();
      env[info.key] = info.val;
      accept?.();
    });
    session.on('pty', (accept, _reject, info) => {
      pty = { cols: clamp(info.cols, 10, 1000), rows: clamp(info.rows, 2, 500) };
      env.TERM = info.term || 'xterm-256color';
      accept?.();
    });
    session.on('window-change', (accept, _reject, info) => {
      void tty.resize(clamp(info.cols, 10, 1000), clamp(info.rows, 2, 500)).catch(() => undefined);
      accept?.();
    });
    session.on('auth-agent', (accept) => {
      agent = true;
      accept?.();
    });
    const run = (accept: () => ssh2.ServerChannel, cmd: string[] | null): void => {
      const channel = accept();
      this.workspaces.recordActivity(this.identity.workspace.id);
      const progress = (line: string): void => void channel.stderr.write(`${line}\r\n`);
      void (async () => {
        try {
          const target = await this.running(progress);
          if (agent) {
            // Like sshd, a broken agent relay costs the forwarding, not the session.
            await this.agentSocket().then(
              (path) => (env.SSH_AUTH_SOCK = path),
              (error: unknown) =>
                progress(
                  `berth: agent forwarding unavailable: ${error instanceof Error ? error.message : String(error)}`,
                ),
            );
          }
          const proc = await this.workspaces.openExec(this.identity.workspace.id, {
            cmd: cmd ?? LOGIN_SHELL,
            user: target.user,
            workdir: target.homePath,
            env: { HOME: target.homePath, ...env },
            tty: pty,
          });
          channel.on('close', () => proc.close());
          channel.on('data', () => this.workspaces.recordActivity(this.identity.workspace.id));
          if (pty) {
            // With a PTY, the client's EOF is not the end of the terminal (sshd keeps it open too).
            channel.on('data', (data: Buffer) => void tty.write(data).catch(() => undefined));
            await tty.attach({ resize: proc.resize, stream: proc.stdin });
          } else {
            // Without one, EOF closes the process's stdin (`ssh host cat < file`).
            channel.pipe(proc.stdin);
          }
          proc.stdout.pipe(channel, { end: false });
          proc.stderr.pipe(channel.stderr, { end: false });
          const [code] = await Promise.all([
            proc.exited,
            finished(proc.stdout).catch(() => undefined),
            finished(proc.stderr).catch(() => undefined),
          ]);
          channel.exit(code < 0 ? 255 : code);
          channel.end();
        } catch (error) {
          channel.stderr.write(`berth: ${error instanceof Error ? error.message : String(error)}\r\n`);
          channel.exit(1);
          channel.end();
        }
      })();
    };
    session.on('shell', (accept) => run(accept, null));
    session.on('exec', (accept, _reject, info) => run(accept, ['sh', '-c', info.command]));
    // SFTP (and so OpenSSH 9's scp) is OpenSSH's own sftp-server run inside the workspace as its
    // user: it sees what that user sees in the container, never the volume from the host side.
    session.on('subsystem', (accept, reject, info) =>
      info.name === 'sftp' ? run(accept, SFTP_SERVER_COMMAND) : reject(),
    );
  }

  private async forward(accept: () => ssh2.ServerChannel, reject: () => void, port: number): Promise<void> {
    let proc: InteractiveExec;
    try {
      await this.running(() => undefined);
      proc = await this.workspaces.openExec(this.identity.workspace.id, {
        cmd: tcpRelayCommand('127.0.0.1', port),
        user: (await this.running(() => undefined)).user,
        workdir: '/',
        env: {},
        tty: null,
      });
    } catch (error) {
      this.logger.debug(`ssh -L to port ${port} refused: ${error instanceof Error ? error.message : String(error)}`);
      return reject();
    }
    const channel = accept();
    this.workspaces.recordActivity(this.identity.workspace.id);
    channel.on('close', () => proc.close());
    channel.pipe(proc.stdin);
    proc.stdout.pipe(channel);
    proc.stderr.resume();
    void proc.exited.then(() => channel.end());
  }
}
