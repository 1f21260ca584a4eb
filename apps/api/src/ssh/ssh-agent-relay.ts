import type ssh2 from 'ssh2';
import { type InteractiveExec } from '#runtime';

/** Frame header of tools/berth-relay.c's agent mode: type (1), id (4, BE), length (4, BE). */
const HEADER = 9;
/** The relay refuses bigger payloads; client data is split to fit. */
const MAX_PAYLOAD = 32 * 1024;

/**
 * ssh2's server has no public call for the `auth-agent@openssh.com` channel (its Protocol layer
 * does: `openssh_authAgent`), so this opens it the way ssh2's own openChannel opens the others.
 */
function openAgentChannel(client: ssh2.Connection): Promise<ssh2.ServerChannel> {
  const internals = client as unknown as {
    _chanMgr: { add(cb: unknown): number };
    _protocol: { openssh_authAgent(chan: number, window: number, packetSize: number): void };
  };
  return new Promise((resolve, reject) => {
    const done = Object.assign(
      (error: Error | undefined, channel: ssh2.ServerChannel) => (error ? reject(error) : resolve(channel)),
      { type: 'auth-agent@openssh.com' },
    );
    const local = internals._chanMgr.add(done);
    if (local === -1) return reject(new Error('no free SSH channels'));
    internals._protocol.openssh_authAgent(local, 2 * 1024 * 1024, 32 * 1024);
  });
}

/**
 * Agent forwarding (`ssh -A`): Berth's relay listens on a Unix socket inside the workspace, and
 * every connection to it becomes an agent channel to the SSH client, multiplexed over the relay's
 * stdio. Resolves with the socket path for SSH_AUTH_SOCK once the relay is listening.
 */
export function startAgentRelay(client: ssh2.Connection, proc: InteractiveExec): Promise<string> {
  const channels = new Map<number, Promise<ssh2.ServerChannel | null>>();
  // A client channel may still speak after the relay ended: that write is dropped, not thrown.
  proc.stdin.on('error', () => undefined);
  const send = (type: 'D' | 'C', id: number, payload: Buffer = Buffer.alloc(0)): void => {
    if (proc.stdin.writableEnded || proc.stdin.destroyed) return;
    for (let at = 0; at === 0 || at < payload.length; at += MAX_PAYLOAD) {
      const part = payload.subarray(at, at + MAX_PAYLOAD);
      const header = Buffer.alloc(HEADER);
      header.write(type, 0, 'latin1');
      header.writeUInt32BE(id, 1);
      header.writeUInt32BE(part.length, 5);
      proc.stdin.write(Buffer.concat([header, part]));
    }
  };
  const open = (id: number): void => {
    const opening = openAgentChannel(client).then(
      (channel) => {
        channel.on('data', (data: Buffer) => send('D', id, data));
        channel.on('close', () => {
          if (channels.delete(id)) send('C', id);
        });
        return channel;
      },
      () => {
        channels.delete(id);
        send('C', id);
        return null;
      },
    );
    channels.set(id, opening);
  };
  const onFrame = (type: string, id: number, payload: Buffer): string | undefined => {
    if (type === 'R') return payload.toString('utf8');
    if (type === 'O') open(id);
    const channel = channels.get(id);
    if (type === 'D') void channel?.then((c) => c?.write(payload));
    if (type === 'C' && channel) {
      channels.delete(id);
      void channel.then((c) => c?.end());
    }
    return undefined;
  };
  return new Promise((resolve, reject) => {
    let pending = Buffer.alloc(0);
    proc.stdout.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= HEADER) {
        const length = pending.readUInt32BE(5);
        if (length > MAX_PAYLOAD) {
          proc.close();
          return reject(new Error('agent relay sent a malformed frame'));
        }
        if (pending.length < HEADER + length) break;
        const ready = onFrame(
          pending.toString('latin1', 0, 1),
          pending.readUInt32BE(1),
          pending.subarray(HEADER, HEADER + length),
        );
        pending = pending.subarray(HEADER + length);
        if (ready) resolve(ready);
      }
    });
    const errors: Buffer[] = [];
    proc.stderr.on('data', (chunk: Buffer) => errors.length < 8 && errors.push(chunk));
    void proc.exited.then(() => {
      for (const channel of channels.values()) void channel.then((c) => c?.end());
      channels.clear();
      reject(new Error(Buffer.concat(errors).toString('utf8').trim() || 'the agent relay ended'));
    });
  });
}
