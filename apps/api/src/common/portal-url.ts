import { type BerthConfig } from '#config';

/** The portal's own base URL for links Berth hands out (no trailing slash). */
export const portalUrl = (config: BerthConfig): string =>
  (config.BERTH_PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
