import { type ResolvedParameters } from './template-parameter-values.js';

/**
 * The warm pool (README "Warm pool"): per template version, containers already created and started,
 * each with its own fresh home volume, waiting for a `POST /workspaces` that matches them.
 *
 * Docker labels cannot change on a live container, so a slot is given its future workspace id when
 * it is made; its owner is not known yet, so its objects carry `berth.owner.id=pool` (POOL_OWNER),
 * the one exception to the label contract: Postgres holds the owner of record once it is claimed.
 */
export const POOL_OWNER = 'pool';

/** warming: being made; ready: claimable; claimed: now a workspace (kept as history); draining: being removed. */
export const POOL_SLOT_STATES = ['warming', 'ready', 'claimed', 'draining'] as const;
export type PoolSlotState = (typeof POOL_SLOT_STATES)[number];

/** The most slots one template version may ask for; the global cap (BERTH_POOL_MAX) bounds them all. */
export const MAX_POOL_SIZE = 100;

/**
 * What a request must match for a slot to serve it: the same resolved parameters (which also fix
 * its resources, cpus and memory being parameters of the version's spec). Keys sorted, so the same
 * values always give the same key.
 */
export function poolParametersKey(parameters: ResolvedParameters): string {
  return JSON.stringify(sortKeys(parameters));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, sortKeys(v)]),
  );
}

/** A version's pool: what the admin asked for and what exists, for the admin system page. */
export interface PoolSummary {
  templateId: string;
  templateName: string;
  version: number;
  /** The admin's setting; slots of versions that are no longer promoted are drained. */
  size: number;
  promoted: boolean;
  warming: number;
  ready: number;
  draining: number;
}
