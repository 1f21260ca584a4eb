import { type INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { routeDoor } from '#auth';
import { componentSchemas } from '#contract';
import { OPERATION_EXTENSION, type OperationSpec } from './api-operation.js';
import { IDEMPOTENT_POSTS } from './idempotent-routes.js';
import { anyProblemResponse, describeOperation, problemResponse, problemResponseName } from './openapi-operations.js';

/** The prefix of the REST API; health and metrics stay at the root (main.ts and the contract build). */
export const API_PREFIX = 'api/v1';
export const API_PREFIX_EXCLUDE = ['healthz', 'readyz', 'metrics'];

/** OpenAPI document at /api/openapi.json and a browsable UI at /api/docs. */
export function setUpOpenApi(app: INestApplication): void {
  SwaggerModule.setup('api/docs', app, createOpenApiDocument(app), { jsonDocumentUrl: 'api/openapi.json' });
}

const TAGS: Record<string, string> = {
  auth: 'Sign-in, sign-out and password resets',
  users: 'Accounts (admins) and the signed-in user',
  tokens: 'API tokens of the signed-in user',
  ssh: 'SSH keys and settings of the signed-in user',
  templates: 'The template catalogue and its versions',
  workspaces: 'Workspaces and their transitions, builds, ports and editor',
  snapshots: "Snapshots of a workspace's home volume",
  trash: 'Deleted workspaces whose home volumes are kept',
  audit: 'The audit log (admins)',
  admin: 'Queues, engine and volumes (admins)',
  health: 'Liveness, readiness and metrics',
};

/**
 * The OpenAPI 3.1 document: Nest's routes and request DTOs, each operation filled from its
 * `@Operation` (common/api-operation.ts) and its door (libs/auth/src/doors.ts), and the response
 * views from the contract (libs/contract). `npm run contract` builds the same document offline.
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Berth API')
      .setDescription('Containerized dev environments from versioned templates')
      .setVersion('1')
      .build(),
  );
  document.openapi = '3.1.0';
  document.info.license = { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' } as never;
  document.servers = [
    { url: '/', description: 'The Berth server that serves this document' },
    {
      url: '{origin}',
      description: 'A Berth server by its public URL (BERTH_PUBLIC_URL)',
      variables: { origin: { default: 'http://127.0.0.1:8080', description: 'scheme, host and port' } },
    },
  ];
  document.tags = Object.entries(TAGS).map(([name, description]) => ({ name, description }));
  const pages = new Set<string>();
  const problems = new Set<number>();
  forEachOperation(document, (method, routePath, operation) => {
    const door = markDoor(method, routePath, operation);
    const spec = operation[OPERATION_EXTENSION] as OperationSpec | undefined;
    delete operation[OPERATION_EXTENSION];
    const idempotent = IDEMPOTENT_POSTS.has(`${method.toUpperCase()} ${routePath}`);
    if (door && spec) describeOperation(spec, { door, routePath, operation, pages, problems, idempotent });
    if (idempotent) addIdempotencyKey(operation);
  });
  const views = componentSchemas();
  for (const name of pages)
    views[`${name}Page`] = {
      type: 'object',
      description: `A page of ${name} (list routes given \`limit\` or \`cursor\`)`,
      properties: {
        items: { type: 'array', items: { $ref: `#/components/schemas/${name}` } },
        nextCursor: { type: ['string', 'null'] },
      },
      required: ['items', 'nextCursor'],
    };
  const components = (document.components ??= {});
  // Nest writes request DTOs in OpenAPI 3.0 style (`nullable`); 3.1 says it with JSON Schema types.
  components.schemas = { ...(withoutNullable(components.schemas) as object), ...views };
  components.responses = Object.fromEntries([
    ...[...problems].sort().map((status) => [problemResponseName(status), problemResponse(status)]),
    ['AnyProblem', anyProblemResponse],
  ]) as never;
  components.securitySchemes = {
    cookie: {
      type: 'apiKey',
      in: 'cookie',
      name: 'berth_session',
      description: 'A portal session; writes also need the CSRF header',
    },
    bearer: {
      type: 'http',
      scheme: 'bearer',
      description: 'An API token; the scope listed is the one the route needs',
    },
  };
  return document;
}

type Visit = (method: string, routePath: string, operation: Record<string, unknown>) => void;

function forEachOperation(document: OpenAPIObject, visit: Visit): void {
  const missing: string[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    const routePath = path.replace(/\{(\w+)\}/g, ':$1');
    for (const [method, operation] of Object.entries(methods as Record<string, Record<string, unknown>>)) {
      if (!HTTP_METHODS.has(method)) continue;
      if (!routeDoor(method, routePath)) missing.push(`${method.toUpperCase()} ${routePath}`);
      else visit(method, routePath, operation);
    }
  }
  // A route with no door stops the API at boot: nobody decided who may use it.
  if (missing.length)
    throw new Error(`routes missing from the door table (libs/auth/src/doors.ts): ${missing.join(', ')}`);
}

/** Writes the route's door (libs/auth/src/doors.ts) into the operation as x-berth-* marks. */
function markDoor(method: string, routePath: string, operation: Record<string, unknown>) {
  const door = routeDoor(method, routePath);
  if (!door) return undefined;
  operation['x-berth-door'] = door.kind;
  operation['x-berth-scope'] = door.scope;
  if (door.roles === 'public') operation['x-berth-public'] = true;
  // Only restrictions are marked: a route every role may use carries no x-berth-roles.
  else if (door.roles.length < 2) operation['x-berth-roles'] = door.roles;
  return door;
}

function addIdempotencyKey(operation: Record<string, unknown>): void {
  const parameters = (operation.parameters ??= []) as unknown[];
  parameters.push({
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description: 'The same key with the same body within 24 h answers with the first response',
    schema: { type: 'string', maxLength: 255 },
  });
}

function withoutNullable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNullable);
  if (typeof value !== 'object' || value === null) return value;
  const { nullable, ...rest } = value as Record<string, unknown>;
  const out = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, withoutNullable(v)]));
  if (nullable !== true) return out;
  if (typeof out.type === 'string') return { ...out, type: [out.type, 'null'] };
  return { anyOf: [out, { type: 'null' }] };
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);
