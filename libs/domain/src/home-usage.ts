import { type TemplateSpec } from './template-spec.js';

/** Where a home's usage stands against its template's limits. */
export type HomeLimitState = 'ok' | 'soft' | 'hard';

const MIB = 1024 * 1024;

export function homeLimitState(usageBytes: number, limits: TemplateSpec['homeLimits']): HomeLimitState {
  if (limits?.hardMb !== undefined && usageBytes > limits.hardMb * MIB) return 'hard';
  if (limits?.softMb !== undefined && usageBytes > limits.softMb * MIB) return 'soft';
  return 'ok';
}

/** The message a workspace over its hard limit is given (start refused, portal). */
export function overHardLimitMessage(usageBytes: number, hardMb: number): string {
  return (
    `the home volume uses ${(usageBytes / MIB).toFixed(1)} MiB, over the template's hard limit of ${hardMb} MiB: ` +
    'it cannot start until it is under again (ask an admin to raise the limit or to free space)'
  );
}
