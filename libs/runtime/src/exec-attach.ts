import { connect, type Socket } from 'node:net';

/** The parts of docker-modem's configuration that say where the engine listens. */
export interface EngineAddress {
  socketPath?: string | (() => string | Promise<string>);
  host?: string;
  port?: number | string;
  protocol?: string;
  version?: string;
}

const READ_BUFFER_BYTES = 64 * 1024;
const MAX_HEADER_BYTES = 16 * 1024;

/**
 * Starts an exec and hands its raw multiplexed output to `onData` from one fixed 64 KiB read
 * buffer (net's `onread`), so reading a gigabyte allocates nothing per chunk. Through dockerode's
 * hijacked socket every read is a fresh Buffer the GC frees only when external memory reaches
 * V8's limit (about 64 MB), which was the API's memory growth under a flood of output. The bytes
 * passed to `onData` are only valid during the call: whoever keeps them must copy.
 *
 * Returns null where the engine is not a plain Unix socket or HTTP address (TLS, SSH): the caller
 * then uses dockerode's hijack. Resolves once the engine answered the upgrade; the socket then
 * ends when the process's output does.
 */
export async function attachExecOutput(
  modem: EngineAddress,
  execId: string,
  onData: (bytes: Buffer) => void,
  signal?: AbortSignal,
): Promise<Socket | null> {
  if (modem.protocol && modem.protocol !== 'http') return null;
  const socketPath = typeof modem.socketPath === 'function' ? await modem.socketPath() : modem.socketPath;
  if (!socketPath && !modem.host) return null;
  signal?.throwIfAborted();
  const prefix = modem.version ? `/${modem.version}` : '';
  const body = JSON.stringify({ Detach: false, Tty: false });
  const request =
    `POST ${prefix}/exec/${encodeURIComponent(execId)}/start HTTP/1.1\r\n` +
    `Host: docker\r\nContent-Type: application/json\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

  return new Promise<Socket>((resolve, reject) => {
    let header: Buffer | null = Buffer.alloc(0);
    const onread = {
      buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
      callback: (nread: number, buffer: Buffer): boolean => {
        if (header === null) {
          onData(buffer.subarray(0, nread));
          return true;
        }
        // The response head is small and read once; only it is copied.
        header = Buffer.concat([header, buffer.subarray(0, nread)]);
        const end = header.indexOf('\r\n\r\n');
        if (end === -1) {
          if (header.length > MAX_HEADER_BYTES) fail(new Error('the engine answered with an oversized header'));
          return true;
        }
        const head = header.subarray(0, end).toString('latin1');
        const rest = header.subarray(end + 4);
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
        header = null;
        if (status !== 101 && status !== 200) {
          fail(
            new Error(`the engine refused to start the command (${status}): ${rest.toString('utf8').slice(0, 200)}`),
          );
          return false;
        }
        signal?.removeEventListener('abort', abort);
        resolve(socket);
        if (rest.length > 0) onData(rest);
        return true;
      },
    };
    const socket = socketPath
      ? connect({ path: socketPath, onread })
      : connect({ host: modem.host, port: Number(modem.port ?? 2375), onread });
    const fail = (error: Error): void => {
      signal?.removeEventListener('abort', abort);
      socket.destroy();
      reject(error);
    };
    const abort = (): void => fail(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal?.addEventListener('abort', abort, { once: true });
    socket.once('error', (error) => header !== null && fail(error));
    socket.once('close', () => header !== null && fail(new Error('the engine closed the connection')));
    socket.write(request);
  });
}
