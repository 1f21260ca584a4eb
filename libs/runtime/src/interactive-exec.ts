import { PassThrough, type Duplex, type Readable, type Writable } from 'node:stream';
import type Docker from 'dockerode';

export interface InteractiveExecRequest {
  cmd: string[];
  user: string;
  workdir: string;
  env: Record<string, string>;
  /** With a TTY, output is one raw stream; without, stdout and stderr stay apart. */
  tty: { cols: number; rows: number } | null;
}

/**
 * A process in a running workspace with its stdin open: an SSH shell or exec, a port relay.
 * `stdin.end()` closes the process's stdin (half-close of the engine's hijacked connection).
 */
export interface InteractiveExec {
  stdin: Writable;
  stdout: Readable;
  /** Empty for a TTY exec (the TTY merges both). */
  stderr: Readable;
  resize(cols: number, rows: number): Promise<void>;
  /** Resolves with the exit code once the process has ended (-1 when the engine cannot tell). */
  exited: Promise<number>;
  /** Cuts the connection to the process (it gets SIGHUP through its TTY, or EOF). */
  close(): void;
}

export async function openInteractiveExec(
  docker: Docker,
  container: Docker.Container,
  req: InteractiveExecRequest,
): Promise<InteractiveExec> {
  const exec = await container.exec({
    Cmd: req.cmd,
    User: req.user,
    WorkingDir: req.workdir,
    Tty: req.tty !== null,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Env: Object.entries(req.env).map(([k, v]) => `${k}=${v}`),
  });
  const stream: Duplex = await exec.start({ hijack: true, stdin: true, Tty: req.tty !== null });
  const resize = async (cols: number, rows: number): Promise<void> => {
    await exec.resize({ w: cols, h: rows }).catch(() => undefined); // the process may be gone already
  };
  let stdout: Readable = stream;
  const stderr = new PassThrough();
  if (req.tty) {
    await resize(req.tty.cols, req.tty.rows);
  } else {
    const out = new PassThrough();
    docker.modem.demuxStream(stream, out, stderr);
    stream.on('end', () => {
      out.end();
      stderr.end();
    });
    stdout = out;
  }
  if (req.tty) stream.on('end', () => stderr.end());
  const exited = new Promise<number>((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      exec.inspect().then(
        (info) => resolve(info.ExitCode ?? -1),
        () => resolve(-1),
      );
    };
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
  });
  const stdin = new PassThrough();
  stdin.pipe(stream);
  return { stdin, stdout, stderr, resize, exited, close: () => stream.destroy() };
}
