import { connect, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { BerthError, ErrorCode } from '#domain';
import { type InteractiveExec } from './interactive-exec.js';

/**
 * How far into a workspace a port connection reaches (RuntimeDriver.connectToPort):
 * - `published`: what the workspace serves to its network on a port its template publishes (the
 *   app origins; a server bound to the workspace's own 127.0.0.1 stays private);
 * - `loopback`: the workspace's own 127.0.0.1 as well, as a process inside it connects (ssh -L).
 */
export type PortReach = 'published' | 'loopback';

export interface PortConnectRequest {
  reach: PortReach;
  signal?: AbortSignal;
}

/** A TCP connection, resolved once it is open (refused or aborted: rejected, nothing left open). */
export function dialTcp(host: string, port: number, signal?: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const socket = connect({ host, port });
    const abort = (): void => {
      socket.destroy();
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', abort, { once: true });
    socket.once('connect', () => {
      signal?.removeEventListener('abort', abort);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error) => {
      signal?.removeEventListener('abort', abort);
      reject(
        new BerthError(ErrorCode.RuntimeFailure, `port ${port} of the workspace did not answer: ${error.message}`),
      );
    });
  });
}

/**
 * A process's stdio as one stream (Berth's relay in the workspace, tools/berth-relay.c): writes go
 * to its stdin, its stdout is read. Destroying the stream cuts the process's connection.
 */
export function execAsStream(proc: InteractiveExec): Duplex {
  const stream = Duplex.from({ readable: proc.stdout, writable: proc.stdin });
  proc.stderr.resume();
  stream.once('close', () => proc.close());
  return stream;
}
