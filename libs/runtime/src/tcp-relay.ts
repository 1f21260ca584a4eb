/**
 * The one place that decides how Berth reaches a TCP port inside a workspace's own network
 * namespace (its 127.0.0.1 included): a process run in the container that copies stdin to the
 * port and the port to stdout. Images differ in what they carry, so it tries, in order, nc,
 * busybox's nc, then bash's /dev/tcp. (A static relay shipped by Berth can replace this list.)
 */
export function tcpRelayCommand(host: string, port: number): string[] {
  if (!/^[A-Za-z0-9.:-]+$/.test(host) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`invalid relay target ${host}:${port}`);
  }
  const target = `${host} ${port}`;
  return [
    'sh',
    '-c',
    [
      `if command -v nc >/dev/null 2>&1; then exec nc ${target}; fi`,
      `if command -v busybox >/dev/null 2>&1 && busybox nc --help >/dev/null 2>&1; then exec busybox nc ${target}; fi`,
      `if [ -x /bin/busybox ]; then exec /bin/busybox nc ${target}; fi`,
      `if command -v bash >/dev/null 2>&1; then exec bash -c 'exec 3<>/dev/tcp/${host}/${port} && { cat <&3 & cat >&3; wait; }'; fi`,
      'echo "berth: no way to relay TCP in this image (needs nc, busybox or bash)" >&2; exit 127',
    ].join('\n'),
  ];
}
