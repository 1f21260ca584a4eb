import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * Who may read /metrics: a loopback peer (the Prometheus of this host), or anyone presenting
 * `Authorization: Bearer $BERTH_METRICS_TOKEN`. Never anonymously from elsewhere. `peer` must be
 * the client's address as the trusted-proxy rules see it (Express's req.ip), so a request that a
 * reverse proxy on this host forwards from outside is not mistaken for a local one.
 */
export function metricsAllowed(
  peer: string | undefined,
  authorization: string | undefined,
  token: string | undefined,
): boolean {
  if (token && authorization?.startsWith('Bearer ')) {
    const given = Buffer.from(authorization.slice('Bearer '.length));
    const wanted = Buffer.from(token);
    if (given.length === wanted.length && timingSafeEqual(given, wanted)) return true;
  }
  return isLoopback(peer);
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (isIP(plain) === 4) return plain.startsWith('127.');
  return plain === '::1';
}
