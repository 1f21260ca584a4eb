import WebSocket, { createWebSocketStream } from 'ws';
import { type BerthApi } from './api.js';

/**
 * `berth ssh --stdio <workspace>`: stdin and stdout become the SSH connection, carried over the
 * API's WebSocket. OpenSSH runs it as a ProxyCommand and speaks SSH through it.
 */
export async function sshStdio(api: BerthApi, workspace: string): Promise<number> {
  const ws = await api.workspaceByName(workspace);
  const socket = new WebSocket(api.sshUrl(ws.id), {
    headers: { Authorization: `Bearer ${api.credentials.token}` },
  });
  // Made before the socket opens: the server's SSH banner may arrive in the same packet as the
  // upgrade answer, and a message with no reader attached yet would be lost.
  const stream = createWebSocketStream(socket);
  stream.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        let detail = body;
        try {
          detail = (JSON.parse(body) as { detail?: string }).detail ?? body;
        } catch {
          // not a problem document: show it as it came
        }
        reject(new Error(`${res.statusCode ?? '?'} ${detail}`));
      });
    });
    socket.once('error', reject);
  });
  process.stdin.pipe(stream);
  stream.pipe(process.stdout);
  return new Promise((resolve) => {
    stream.on('close', () => resolve(0));
    stream.on('error', () => resolve(1));
  });
}
