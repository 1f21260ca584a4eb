import { createServer, type Server } from 'node:http';
import { metricsAllowed } from './metrics-access.js';
import { registry } from './metrics.js';

/**
 * The worker's metrics listener: the worker has no HTTP server, and its metrics (build stages,
 * queues, engine calls) live in its own process, so it serves GET /metrics itself on a loopback
 * port rather than pushing them through the API (each worker replica is then one scrape target).
 * Same access rule as the API's /metrics. Resolves with the server, or null when the port is taken
 * (a second worker on the same host): metrics must never keep a worker from running builds.
 */
export function serveMetrics(host: string, port: number, token: string | undefined): Promise<Server | null> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    if (!metricsAllowed(req.socket.remoteAddress, req.headers.authorization, token)) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' }).end('unauthorized\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  return new Promise((resolve) => {
    server.once('error', () => resolve(null));
    server.listen(port, host, () => resolve(server));
  });
}
