import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { BerthError, ErrorCode } from '#domain';
import { abortable } from '#common';
import { DockerDemuxer } from './docker-demux.js';
import { BoundedLineReader, DEFAULT_STREAM_LIMITS } from './bounded-lines.js';
import { attachExecOutput, type EngineAddress } from './exec-attach.js';
import { endExecProcesses } from './exec-reaper.js';
import { type ExecRequest, type LogSink } from './runtime.driver.js';

/**
 * Runs a command in a running container and streams its output, line by line, into `log`, through
 * the bounded reader (line and output caps). Resolves with the exit code. The command may be
 * silent for long (a start script sleeping), so there is no idle timeout: it ends at
 * `req.timeoutMs`, or when `req.signal` aborts (the client went away, the stage was cancelled);
 * either way the process and what it started are ended in the container, not left running.
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
  const limits = req.limits ?? DEFAULT_STREAM_LIMITS;
  const outLines = new BoundedLineReader((lines) => log('stdout', lines), limits);
  const errLines = new BoundedLineReader((lines) => log('stderr', lines), limits);
  const demuxer = new DockerDemuxer((which, piece) => (which === 'stdout' ? outLines : errLines).push(piece));
  // One fixed read buffer where the engine is a plain socket (see attachExecOutput); dockerode's
  // hijack otherwise. The reader copies only the bytes it keeps, so either source is safe.
  let stream: Duplex | null = await attachExecOutput(
    docker.modem as EngineAddress,
    exec.id,
    (bytes) => demuxer.push(bytes),
    req.signal,
  );
  if (!stream) {
    stream = await exec.start({ hijack: true, stdin: false, abortSignal: req.signal });
    stream.on('data', (chunk: Buffer) => demuxer.push(chunk));
  }
  const ended = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  const deadline = AbortSignal.timeout(req.timeoutMs);
  let finished = false;
  try {
    await abortable(ended, req.signal ? AbortSignal.any([req.signal, deadline]) : deadline);
    finished = true;
  } catch (error) {
    if (deadline.aborted && !req.signal?.aborted) {
      throw new BerthError(
        ErrorCode.RuntimeFailure,
        `timed out after ${Math.round(req.timeoutMs / 1000)} s running ${req.cmd.join(' ').slice(0, 60)}`,
      );
    }
    throw error;
  } finally {
    outLines.end();
    errLines.end();
    stream.destroy();
    // Abandoned (timed out, cancelled, client gone): nobody reads it any more, so it ends here.
    if (!finished) await endExecProcesses(exec, containerId).catch(() => 0);
  }
  const info = await exec.inspect({ abortSignal: req.signal });
  return info.ExitCode ?? -1;
}
