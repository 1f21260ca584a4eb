import { z } from 'zod';

/**
 * What a template lets a developer choose when creating a workspace, within admin-set bounds.
 * Each declaration targets one place in the spec:
 * - `cpus` / `memoryMb` (kind `number`): the container's limits, between `min` and `max`;
 * - an env var name (kind `choice`): one of `options` (e.g. a dotfiles repository URL);
 * - kind `env`: free-text environment variables whose names match `namePattern`.
 * Values are validated and applied in template-parameter-values.ts.
 */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const numberParameter = z
  .object({
    name: z.enum(['cpus', 'memoryMb']),
    kind: z.literal('number'),
    description: z.string().max(500).optional(),
    min: z.number().positive().max(1_000_000),
    max: z.number().positive().max(1_000_000),
    default: z.number().positive().max(1_000_000),
  })
  .strict()
  .refine((p) => p.min <= p.default && p.default <= p.max, {
    message: 'default must lie between min and max',
    path: ['default'],
  })
  .refine((p) => p.name !== 'memoryMb' || [p.min, p.max, p.default].every(Number.isInteger), {
    message: 'memoryMb bounds are whole numbers',
    path: ['default'],
  });

const choiceParameter = z
  .object({
    name: z
      .string()
      .regex(ENV_NAME, 'a choice sets an env var: letters, digits and _')
      .refine((n) => n !== 'HOME' && !n.toUpperCase().startsWith('BERTH_'), 'HOME and BERTH_* are set by Berth'),
    kind: z.literal('choice'),
    description: z.string().max(500).optional(),
    options: z.array(z.string().min(1).max(2000)).min(1).max(50),
    default: z.string().max(2000),
  })
  .strict()
  .refine((p) => p.options.includes(p.default), { message: 'default must be one of the options', path: ['default'] });

const envParameter = z
  .object({
    name: z.literal('env'),
    kind: z.literal('env'),
    description: z.string().max(500).optional(),
    /** A regular expression every variable name must match, e.g. ^MY_[A-Z0-9_]+$ */
    namePattern: z
      .string()
      .max(200)
      .refine((p) => isRegExp(p), 'must be a valid regular expression'),
    maxEntries: z.number().int().min(1).max(100).default(20),
  })
  .strict();

export const parameterDefinitionSchema = z.union([numberParameter, choiceParameter, envParameter]);
export const parameterDefinitionsSchema = z
  .array(parameterDefinitionSchema)
  .max(30)
  .refine((defs) => new Set(defs.map((d) => d.name)).size === defs.length, 'parameter names must be unique')
  .default([]);

export type ParameterDefinition = z.output<typeof parameterDefinitionSchema>;

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
