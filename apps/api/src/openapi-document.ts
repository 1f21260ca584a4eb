import 'reflect-metadata';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { type OpenAPIObject } from '@nestjs/swagger';
import { API_PREFIX, API_PREFIX_EXCLUDE, createOpenApiDocument } from './common/openapi.js';

/** A route as Nest registers it: `GET /api/v1/workspaces/:id`. */
export interface NestRoute {
  method: string;
  path: string;
}

/**
 * The OpenAPI document without a server, and every route Nest registers: the API's module graph
 * in Nest's preview mode (routes and metadata, no providers, no connections), described exactly
 * as /api/openapi.json is. `npm run contract` and the contract tests use it.
 */
export async function describeApi(): Promise<{ document: OpenAPIObject; routes: NestRoute[] }> {
  const { AppModule } = await import('./app.module.js'); // after the caller's environment is set
  const app = await NestFactory.create(AppModule, { preview: true, logger: false, abortOnError: false });
  try {
    app.setGlobalPrefix(API_PREFIX, { exclude: API_PREFIX_EXCLUDE });
    const routes: NestRoute[] = [];
    for (const module of app.get(ModulesContainer).values())
      for (const { metatype } of module.controllers.values()) routes.push(...controllerRoutes(metatype as object));
    return { document: createOpenApiDocument(app), routes };
  } finally {
    await app.close();
  }
}

export const buildOpenApiDocument = async (): Promise<OpenAPIObject> => (await describeApi()).document;

const join = (...parts: string[]): string =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/')}`;

function controllerRoutes(controller: object): NestRoute[] {
  const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
  const prototype = (controller as { prototype: Record<string, unknown> }).prototype;
  const routes: NestRoute[] = [];
  for (const name of Object.getOwnPropertyNames(prototype)) {
    const handler = prototype[name];
    if (typeof handler !== 'function' || !Reflect.hasMetadata(METHOD_METADATA, handler)) continue;
    const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
    const paths = [Reflect.getMetadata(PATH_METADATA, handler) as string | string[]].flat();
    for (const path of paths) {
      const route = join(base, path);
      const excluded = API_PREFIX_EXCLUDE.some((e) => route === `/${e}`);
      routes.push({ method, path: excluded ? route : join(API_PREFIX, route) });
    }
  }
  return routes;
}
