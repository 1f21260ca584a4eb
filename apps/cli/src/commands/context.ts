import { BerthApi } from '../api.js';
import { loadCredentials } from '../credentials.js';
import { CliFailure, EXIT } from '../exit-codes.js';

/** The API client for the saved (or BERTH_URL/BERTH_TOKEN) credentials; exit 4 when there are none. */
export function connect(): BerthApi {
  try {
    return new BerthApi(loadCredentials());
  } catch (error) {
    throw new CliFailure(error instanceof Error ? error.message : String(error), EXIT.auth);
  }
}

/** `k=v` pairs: numbers and true/false become JSON values, anything else stays a string. */
export function parseParams(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new CliFailure(`--param wants key=value, got "${pair}"`, EXIT.usage);
    const value = pair.slice(at + 1);
    out[pair.slice(0, at)] = /^-?\d+(\.\d+)?$/.test(value)
      ? Number(value)
      : value === 'true' || value === 'false'
        ? value === 'true'
        : value;
  }
  return out;
}

/** Commander's collector for repeatable options. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
