import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The CLI as built into dist (run with the test's own Node.js). */
export const CLI = fileURLToPath(new URL('../../apps/cli/src/main.js', import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program to its end, never through a shell; `input` goes to its stdin, which stays open
 * until the program ends (as a user's would).
 */
export function run(
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
  input?: string,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { PATH: process.env.PATH, HOME: env.HOME, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    if (input !== undefined) child.stdin.write(input);
    else child.stdin.end();
  });
}

/** Every failure the CLI reports is one line, never a stack trace. */
export function expectOneLineError(r: Run): void {
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}
