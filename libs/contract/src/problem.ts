import { z } from 'zod';
import { named } from './registry.js';

/**
 * RFC 9457 problem details, the body of every error (`application/problem+json`). `type` is
 * `urn:berth:problem:<error code>` (libs/domain ErrorCode) or `urn:berth:problem:http-<status>`;
 * some problems add fields, e.g. `field` (which input was wrong).
 */
export const Problem = named(
  'Problem',
  z.looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    field: z.string().nullable().optional(),
  }),
  'An error (RFC 9457 problem details)',
);
