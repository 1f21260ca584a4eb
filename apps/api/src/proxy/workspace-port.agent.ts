import { Agent, type ClientRequestArgs } from 'node:http';
import { type Duplex } from 'node:stream';

/**
 * An http.Agent whose connection is the one the runtime opens (RuntimeDriver.connectToPort): the
 * proxy never dials an address of its own, so it works for any engine. One agent per proxied
 * request; nothing is kept alive between requests.
 */
export class WorkspacePortAgent extends Agent {
  constructor(private readonly open: () => Promise<Duplex>) {
    super({ keepAlive: false });
  }

  override createConnection(
    _options: ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    this.open().then(
      (stream) => callback?.(null, socketLike(stream)),
      (error: unknown) => callback?.(error instanceof Error ? error : new Error(String(error)), undefined as never),
    );
    return undefined;
  }
}

/**
 * http-proxy and Node's client tune the upstream as a TCP socket (timeouts, Nagle, keep-alive);
 * a stream from a relay has no such knobs, and gets no-op ones.
 */
function socketLike(stream: Duplex): Duplex {
  const knobs = stream as Duplex & Partial<Record<'setTimeout' | 'setNoDelay' | 'setKeepAlive', () => Duplex>>;
  for (const knob of ['setTimeout', 'setNoDelay', 'setKeepAlive'] as const) knobs[knob] ??= () => stream;
  return stream;
}
