import { type BerthConfig } from '#config';

/**
 * Each forwarded port lives on its own origin, `<port>--<workspace>--<owner>` under the wildcard
 * of BERTH_APPS_URL, so a workspace's app never shares an origin (cookies, storage, CSRF token)
 * with the portal or with another port.
 */
export interface AppsDomain {
  scheme: 'http' | 'https';
  /** Everything after `*`, e.g. `.apps.localhost:8080` (port only when not the scheme's default). */
  suffix: string;
}

export interface AppAddress {
  port: number;
  workspace: string;
  owner: string;
}

export function appsDomain(config: BerthConfig): AppsDomain {
  const raw = config.BERTH_APPS_URL ?? `http://*.apps.localhost:${config.PORT}`;
  const url = new URL(raw.replace('*', 'wildcard'));
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  return { scheme, suffix: `${url.host.replace(/^wildcard/, '')}`.toLowerCase() };
}

/** The owner part of an app host: the e-mail's local part as a DNS-safe handle. */
export const ownerHandle = (email: string): string =>
  (email.split('@')[0] ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 20) || 'user';

export function appOrigin(domain: AppsDomain, address: AppAddress): string {
  return `${domain.scheme}://${address.port}--${address.workspace}--${address.owner}${domain.suffix}`;
}

/** The app a Host header names, or null when the host is not an app origin. */
export function parseAppHost(domain: AppsDomain, host: string | undefined): AppAddress | null {
  const lower = (host ?? '').toLowerCase();
  if (!lower.endsWith(domain.suffix)) return null;
  const label = lower.slice(0, -domain.suffix.length);
  const match = /^(\d{1,5})--([a-z0-9-]+)--([a-z0-9-]+)$/.exec(label);
  if (!match?.[1] || !match[2] || !match[3] || match[3].includes('--')) return null;
  const port = Number(match[1]);
  return port > 0 && port < 65536 ? { port, workspace: match[2], owner: match[3] } : null;
}

/** True when an Origin header comes from any app origin (the API refuses those). */
export function isAppOrigin(domain: AppsDomain, origin: string | undefined): boolean {
  if (!origin) return false;
  try {
    return parseAppHost(domain, new URL(origin).host) !== null;
  } catch {
    return false;
  }
}

/** Berth's own cookie names, with or without the `__Host-` prefix: never sent to or set by an app. */
export const BERTH_COOKIE = /^(__Host-|__Secure-)?berth_/i;
