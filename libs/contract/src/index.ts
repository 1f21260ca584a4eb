import { z } from 'zod';
import * as accounts from './accounts.js';
import * as admin from './admin.js';
import * as events from './events.js';
import * as problem from './problem.js';
import * as storage from './storage.js';
import * as templates from './templates.js';
import * as workspaces from './workspaces.js';
import { contractRegistry } from './registry.js';

/**
 * The API contract (docs/architecture.md, "The contract"): every response view, SSE event and the
 * problem type as zod schemas, each named in `contractRegistry`. The OpenAPI document takes its
 * `components.schemas` from here; `npm run contract` generates `generated/openapi.ts` from that
 * document, for the typed client, the CLI and the portal.
 */
export const schemas = {
  ...problem,
  ...workspaces,
  ...storage,
  ...templates,
  ...accounts,
  ...admin,
  ...events,
};
export type SchemaName = keyof typeof schemas;
export type View<N extends SchemaName> = z.output<(typeof schemas)[N]>;

export * from './registry.js';
export * from './problem.js';
export * from './workspaces.js';
export * from './storage.js';
export * from './templates.js';
export * from './accounts.js';
export * from './admin.js';
export * from './events.js';

/** JSON Schema (2020-12, as OpenAPI 3.1 reads it) of every named view, by name; refs point at components. */
export function componentSchemas(): Record<string, Record<string, unknown>> {
  const { schemas: out } = z.toJSONSchema(contractRegistry, {
    io: 'output',
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
  });
  return Object.fromEntries(
    Object.entries(out).map(([id, schema]) => {
      const rest: Record<string, unknown> = { ...schema };
      delete rest.$schema; // the document says which dialect; a component carries no id of its own
      delete rest.id;
      return [id, rest];
    }),
  );
}
export * from './client.js';
export type { components, operations } from './generated/openapi.js';
