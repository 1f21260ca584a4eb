import { type INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { routeDoor } from '#auth';

/** OpenAPI document at /api/openapi.json and a browsable UI at /api/docs. */
export function setUpOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Berth API')
      .setDescription('Containerized dev environments from versioned templates')
      .setVersion('1')
      .addBearerAuth()
      .addCookieAuth('berth_session')
      .build(),
  );
  markDoors(document);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json' });
}

/**
 * Writes each route's door (libs/auth/src/doors.ts) into the document as x-berth-* marks, and
 * refuses to start when a route has no door: nobody decided who may use it.
 */
function markDoors(document: OpenAPIObject): void {
  const missing: string[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    const routePath = path.replace(/\{(\w+)\}/g, ':$1');
    for (const [method, operation] of Object.entries(methods as Record<string, Record<string, unknown>>)) {
      if (!HTTP_METHODS.has(method)) continue;
      const door = routeDoor(method, routePath);
      if (!door) {
        missing.push(`${method.toUpperCase()} ${routePath}`);
        continue;
      }
      operation['x-berth-door'] = door.kind;
      operation['x-berth-scope'] = door.scope;
      if (door.roles === 'public') operation['x-berth-public'] = true;
      // Only restrictions are marked: a route every role may use carries no x-berth-roles.
      else if (door.roles.length < 2) operation['x-berth-roles'] = door.roles;
    }
  }
  if (missing.length)
    throw new Error(`routes missing from the door table (libs/auth/src/doors.ts): ${missing.join(', ')}`);
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);
