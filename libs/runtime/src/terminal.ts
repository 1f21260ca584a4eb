import { type Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { endExecProcesses } from './exec-reaper.js';

export interface TerminalRequest {
  user: string;
  workdir: string;
  cols: number;
  rows: number;
  env: Record<string, string>;
}

export interface TerminalSession {
  /** Raw TTY bytes both ways (no multiplexing: the exec has a TTY). */
  stream: Duplex;
  resize(cols: number, rows: number): Promise<void>;
  /**
   * Ends the shell and everything it started (its session and process group) in the container,
   * then closes the stream. Closing the stream alone leaves them running: the engine keeps the TTY.
   */
  close(): Promise<void>;
}

/** A login shell: bash when the image has it, else sh (busybox images). */
export const LOGIN_SHELL = ['sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi'];

/** An interactive `docker exec` with a TTY, as the template user in their home directory. */
export async function openTerminal(container: Docker.Container, req: TerminalRequest): Promise<TerminalSession> {
  const exec = await container.exec({
    Cmd: LOGIN_SHELL,
    User: req.user,
    WorkingDir: req.workdir,
    Tty: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Env: ['TERM=xterm-256color', ...Object.entries(req.env).map(([k, v]) => `${k}=${v}`)],
  });
  const stream = await exec.start({ hijack: true, stdin: true, Tty: true });
  const resize = async (cols: number, rows: number): Promise<void> => {
    await exec.resize({ w: cols, h: rows }).catch(() => undefined); // the shell may be gone already
  };
  await resize(req.cols, req.rows);
  const close = async (): Promise<void> => {
    await endExecProcesses(exec, container.id).catch(() => 0);
    stream.destroy();
  };
  return { stream, resize, close };
}
