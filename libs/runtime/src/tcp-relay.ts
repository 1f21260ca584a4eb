import { TOOLS_DIR } from './docker-objects.js';

/**
 * The one place that decides how Berth reaches a TCP port inside a workspace's own network
 * namespace (its 127.0.0.1 included): Berth's static relay from the toolset volume
 * (tools/berth-relay.c), run in the container, copies stdin to the port and the port to stdout.
 * It needs nothing from the template image (no nc, no bash, not even a shell).
 */
export function tcpRelayCommand(host: string, port: number): string[] {
  if (!/^[A-Za-z0-9.:-]+$/.test(host) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`invalid relay target ${host}:${port}`);
  }
  return [`${TOOLS_DIR}/relay`, 'tcp', host, String(port)];
}

/**
 * Listens on a fresh Unix socket in the workspace for SSH agent clients and multiplexes their
 * connections over the exec's stdio (frames: see tools/berth-relay.c and AgentRelay).
 */
export const AGENT_RELAY_COMMAND = [`${TOOLS_DIR}/relay`, 'agent'];

/**
 * OpenSSH's sftp-server from the toolset, run through the glibc loader shipped next to it, so
 * SFTP works in images of any libc (or none) as the workspace's user, seeing only the container.
 */
export const SFTP_SERVER_COMMAND = [
  `${TOOLS_DIR}/lib/ld-linux-x86-64.so.2`,
  '--library-path',
  `${TOOLS_DIR}/lib`,
  `${TOOLS_DIR}/libexec/sftp-server`,
];
