import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { BerthError, ErrorCode } from '#domain';
import { abortable } from './abort.js';
import { LineSplitter } from './line-splitter.js';
import { type ExecRequest, type LogSink } from './runtime.driver.js';

/**
 * Runs a command in a running container and streams its output, line by line, into `log`.
 * Resolves with the exit code. The command may be silent for long (a start script sleeping), so
 * there is no idle timeout: it ends at `req.timeoutMs`, or when `req.signal` aborts.
 */
export async function runInContainer(
  docker: Docker,
  containerId: string,
  req: ExecRequest,
  log: LogSink,
): Promise<number> {
  const container = docker.getContainer(containerId);
  const exec = await container.exec({
    Cmd: req.cmd,
    User: req.user,
    WorkingDir: req.workdir,
    AttachStdout: true,
    AttachStderr: true,
    Env: Object.entries(req.env ?? {}).map(([k, v]) => `${k}=${v}`),
    abortSignal: req.signal,
  });
  const stream = await exec.start({ hijack: true, stdin: false, abortSignal: req.signal });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const outLines = new LineSplitter();
  const errLines = new LineSplitter();
  stdout.on('data', (chunk: Buffer) => log('stdout', outLines.push(chunk)));
  stderr.on('data', (chunk: Buffer) => log('stderr', errLines.push(chunk)));
  docker.modem.demuxStream(stream, stdout, stderr);
  const ended = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  const deadline = AbortSignal.timeout(req.timeoutMs);
  try {
    await abortable(ended, req.signal ? AbortSignal.any([req.signal, deadline]) : deadline);
  } catch (error) {
    if (deadline.aborted && !req.signal?.aborted) {
      throw new BerthError(
        ErrorCode.RuntimeFailure,
        `timed out after ${Math.round(req.timeoutMs / 1000)} s running ${req.cmd.join(' ').slice(0, 60)}`,
      );
    }
    throw error;
  } finally {
    log('stdout', outLines.flush());
    log('stderr', errLines.flush());
    stream.destroy();
  }
  const info = await exec.inspect({ abortSignal: req.signal });
  return info.ExitCode ?? -1;
}
