import { z } from 'zod';

/** Metadata of a named schema: its component name in the OpenAPI document. */
export interface ContractMeta {
  id: string;
  description?: string;
}

/** Every named view; `z.toJSONSchema(contractRegistry)` turns them into `components.schemas`. */
export const contractRegistry = z.registry<ContractMeta>();

/** Registers `schema` under `id`, so documents and generated clients refer to it by that name. */
export function named<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  contractRegistry.add(schema, description ? { id, description } : { id });
  return schema;
}

/** An ISO 8601 timestamp as the API writes it (`Date.prototype.toISOString`). */
export const timestamp = (): z.ZodISODateTime => z.iso.datetime();
export const nullableTimestamp = (): z.ZodNullable<z.ZodISODateTime> => z.iso.datetime().nullable();

/** A `{ items, nextCursor }` page of `item` (the shape of list routes given `limit` or `cursor`). */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
