import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import pg from 'pg';
import { type RequestHandler } from 'express';
import { berthCookies } from '#auth';
import { type BerthConfig } from '#config';

/** Sessions live in Postgres (the `session` table), so logout and deactivation end them everywhere. */
export function sessionMiddleware(config: BerthConfig): { middleware: RequestHandler; close: () => Promise<void> } {
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 5, connectionTimeoutMillis: 5000 });
  // An idle client whose server restarted emits 'error' through the pool; without a listener that
  // is an uncaught exception and the API process dies (found by the Postgres-restart fault test).
  // The broken client is dropped by the pool; the next request connects anew.
  pool.on('error', () => undefined);
  const PgStore = connectPgSimple(session);
  const cookies = berthCookies(config);
  const middleware = session({
    name: cookies.session,
    // `__Host-` needs Secure; behind the TLS proxy the scheme comes from X-Forwarded-Proto.
    ...(cookies.hostPrefixed ? { proxy: true } : {}),
    secret: sessionSecret(config),
    store: new PgStore({ pool, tableName: 'session', createTableIfMissing: false, pruneSessionInterval: 600 }),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: cookies.hostPrefixed ? true : 'auto',
      maxAge: config.BERTH_SESSION_TTL_HOURS * 3600_000,
    },
  });
  return { middleware, close: () => pool.end() };
}

/** A configured secret, or one generated once and kept beside the data (mode 0600). */
function sessionSecret(config: BerthConfig): string {
  if (config.BERTH_SESSION_SECRET) return config.BERTH_SESSION_SECRET;
  const file = path.resolve(config.BERTH_DATA_DIR, 'session-secret');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    // 'wx': if two API processes start at once, one writes and both then read the same secret.
    fs.writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return fs.readFileSync(file, 'utf8').trim();
}
