import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export interface SshRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Options for Debian's OpenSSH client against a throwaway gateway: no known_hosts, no agent, one key. */
export function sshOptions(port: number, keyPath: string | null, extra: string[] = []): string[] {
  return [
    '-p',
    String(port),
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'LogLevel=ERROR',
    '-o',
    'BatchMode=yes',
    '-o',
    'IdentitiesOnly=yes',
    '-F',
    '/dev/null',
    ...(keyPath ? ['-i', keyPath] : []),
    ...extra,
  ];
}

/** Runs a command to completion (stdin optional) and collects what it printed. */
export function runCommand(
  cmd: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<SshRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

/** A long-running child (e.g. `ssh -N -L`), stopped by the caller. */
export function startCommand(cmd: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess {
  return spawn(cmd, args, { env: env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** sshOptions for scp and sftp, whose port flag is -P. */
export function scpOptions(port: number, keyPath: string | null, extra: string[] = []): string[] {
  return ['-P', ...sshOptions(port, keyPath, extra).slice(1)];
}

/** A throwaway ssh-agent holding one key; `env` points SSH_AUTH_SOCK at it. */
export async function startSshAgent(keyPath: string): Promise<{ env: NodeJS.ProcessEnv; stop(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-agent-'));
  const sock = join(dir, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
  const env = { ...process.env, SSH_AUTH_SOCK: sock };
  for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
  const added = await runCommand('ssh-add', [keyPath], { env });
  if (added.code !== 0) throw new Error(`ssh-add failed: ${added.stderr}`);
  return { env, stop: () => agent.kill() };
}

/**
 * A host binary with its shared libraries and glibc loader in one directory, to copy into a
 * workspace whose image lacks it (run there as `DIR/ld-linux-x86-64.so.2 --library-path DIR DIR/NAME`).
 */
export function bundleBinary(binary: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bundle-'));
  const libs = execFileSync('ldd', [binary], { encoding: 'utf8' }).match(/\/\S+\.so\S*/g) ?? [];
  for (const file of [binary, ...libs]) copyFileSync(realpathSync(file), join(dir, basename(file)));
  return dir;
}
