import { type Params } from 'nestjs-pino';

/** pino for both processes: JSON lines, no request bodies, secrets redacted. */
export function loggerOptions(service: 'api' | 'worker'): Params {
  return {
    pinoHttp: {
      level: process.env.LOG_LEVEL ?? 'info',
      base: { service },
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url ?? '') },
      serializers: { req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }) },
    },
  };
}
