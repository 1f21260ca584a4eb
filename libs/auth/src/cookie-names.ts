import { type BerthConfig } from '#config';

export interface BerthCookies {
  session: string;
  csrf: string;
  /** `__Host-` cookies must be Secure, Path=/ and carry no Domain. */
  hostPrefixed: boolean;
}

/**
 * The portal's own cookies. Served over https (BERTH_PUBLIC_URL), they carry the `__Host-`
 * prefix: browsers then accept them only from this exact host, Secure, on `/`, so no subdomain
 * (an app origin under the same parent, say) can set or overwrite them. Plain http keeps the
 * bare names, since browsers refuse `__Host-` cookies without Secure.
 */
export function berthCookies(config: Pick<BerthConfig, 'BERTH_PUBLIC_URL'>): BerthCookies {
  const hostPrefixed = config.BERTH_PUBLIC_URL?.toLowerCase().startsWith('https:') ?? false;
  const prefix = hostPrefixed ? '__Host-' : '';
  return { session: `${prefix}berth_session`, csrf: `${prefix}berth_csrf`, hostPrefixed };
}
