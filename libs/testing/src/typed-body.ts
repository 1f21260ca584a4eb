import { z } from 'zod';
import { pageOf, schemas, type SchemaName, type View } from '#contract';

/** Parses with the contract's schema; a body that does not fit fails the test with the paths that differ. */
function parse<T extends z.ZodType>(schema: T, body: unknown, what: string): z.output<T> {
  const result = schema.safeParse(body);
  // The body itself, checked: assertions see every field the server sent, not a stripped copy.
  if (result.success) return body as z.output<T>;
  throw new Error(
    `the body is not a ${what}: ${z.prettifyError(result.error)}\n${JSON.stringify(body).slice(0, 2000)}`,
  );
}

/** A response body read as the contract's `name` view (libs/contract), checked instead of cast. */
export const typedBody = <N extends SchemaName>(res: { body: unknown }, name: N): View<N> =>
  parse(schemas[name], res.body, name) as View<N>;

/** A plain array of the contract's `name` view. */
export const typedList = <N extends SchemaName>(res: { body: unknown }, name: N): View<N>[] =>
  parse(z.array(schemas[name]), res.body, `${name}[]`);

/** A `{ items, nextCursor }` page of the contract's `name` view (list routes given `limit` or `cursor`). */
export const typedPage = <N extends SchemaName>(
  res: { body: unknown },
  name: N,
): { items: View<N>[]; nextCursor: string | null } =>
  parse(pageOf(schemas[name]), res.body, `page of ${name}`) as {
    items: View<N>[];
    nextCursor: string | null;
  };
