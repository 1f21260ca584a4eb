import { type Params } from 'nestjs-pino';
import { type IncomingMessage, type ServerResponse } from 'node:http';

/** Nest's own start-up chatter (every module and route mapped): debug, not info. */
const FRAMEWORK_START_UP = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

/**
 * pino for both processes. JSON lines by default (for machines); `BERTH_LOG_FORMAT=pretty` gives
 * short, colourised lines through pino-pretty (`npm run up` chooses it on a terminal). Level from
 * `BERTH_LOG_LEVEL` (or the older `LOG_LEVEL`), default info. No request bodies, secrets redacted.
 * Read from the environment directly: the logger exists before the config module; the config
 * schema validates the same variables at boot.
 */
export function loggerOptions(service: 'api' | 'worker'): Params {
  const level = process.env.BERTH_LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'info';
  const pretty = process.env.BERTH_LOG_FORMAT === 'pretty';
  return {
    // Fields a request adds with PinoLogger.assign (a transition's workspace and build ids) reach its
    // "request completed" line too.
    assignResponse: true,
    pinoHttp: {
      level,
      base: { service },
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url ?? '') },
      // Method, path and status only: response headers (CSP and the like) would triple every line.
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customSuccessMessage: (req: IncomingMessage, res: ServerResponse, ms: number) =>
        `${req.method} ${req.url} ${res.statusCode} ${Math.round(ms)} ms`,
      customErrorMessage: (req: IncomingMessage, res: ServerResponse, error: Error) =>
        `${req.method} ${req.url} ${res.statusCode}: ${error.message}`,
      hooks: {
        logMethod(args, method, levelValue) {
          const first: unknown = args[0];
          const context = typeof first === 'object' && first !== null ? (first as { context?: unknown }).context : '';
          if (levelValue === 30 && typeof context === 'string' && FRAMEWORK_START_UP.has(context)) {
            if (this.isLevelEnabled('debug')) this.debug(...(args as [object, string]));
            return;
          }
          method.apply(this, args);
        },
      },
      ...(pretty
        ? {
            transport: {
              target: 'pino-pretty',
              options: {
                colorize: process.stdout.isTTY === true,
                translateTime: 'SYS:HH:MM:ss',
                singleLine: true,
                hideObject: true,
                ignore: 'pid,hostname',
                messageFormat:
                  '{service}{if context} {context}{end}: {msg}{if workspaceId} [workspace {workspaceId}{end}{if buildId} build {buildId}]{end}',
              },
            },
          }
        : {}),
    },
  };
}
