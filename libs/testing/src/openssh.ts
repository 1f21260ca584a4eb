import { spawn, type ChildProcess } from 'node:child_process';

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
