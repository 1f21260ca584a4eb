import { PassThrough } from 'node:stream';
import { testDocker } from './docker-helpers.js';

/**
 * A manifest of a workspace's home volume, read from outside (a throwaway busybox container,
 * the volume read-only, no network): one line per entry with its type, mode, owner, size, mtime,
 * symlink target and, for files, an md5 of the content. Two equal manifests mean the same files,
 * owners, modes, symlinks and timestamps.
 */
export async function homeManifest(workspaceId: string, docker = testDocker()): Promise<string[]> {
  const script =
    'cd /v && /bin/busybox find . -mindepth 1 | /bin/busybox sort | while read -r p; do ' +
    'line=$(/bin/busybox stat -c "%n|%F|%a|%u|%g|%s|%Y|%N" "$p"); ' +
    'if [ -f "$p" ] && [ ! -L "$p" ]; then line="$line|$(/bin/busybox md5sum < "$p")"; fi; ' +
    'echo "$line"; done';
  const reader = await docker.createContainer({
    Image: 'berth/busybox:test',
    Cmd: ['/bin/busybox', 'sh', '-c', script],
    User: '0',
    HostConfig: {
      Mounts: [{ Type: 'volume', Source: `berth-ws-${workspaceId}-home`, Target: '/v', ReadOnly: true }],
      NetworkMode: 'none',
    },
  });
  try {
    await reader.start();
    const { StatusCode } = (await reader.wait()) as { StatusCode: number };
    const out: Buffer[] = [];
    const logs = await reader.logs({ stdout: true, follow: true });
    docker.modem.demuxStream(
      logs,
      new PassThrough().on('data', (c: Buffer) => out.push(c)),
      new PassThrough(),
    );
    await new Promise((resolve) => logs.on('end', resolve));
    if (StatusCode !== 0) throw new Error(`reading the manifest exited ${StatusCode}`);
    return Buffer.concat(out).toString().split('\n').filter(Boolean);
  } finally {
    await reader.remove({ force: true });
  }
}
