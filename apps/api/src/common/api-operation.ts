import { applyDecorators } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { type SchemaName } from '#contract';

/**
 * What a success answer carries: a named view of the contract (libs/contract), a plain array of
 * one (`listOf`), a list route that answers a plain array without `limit`/`cursor` and a
 * `{items,nextCursor}` page with them (`pageOf`), or no JSON at all.
 */
export type OperationReturns =
  SchemaName | { listOf: SchemaName } | { pageOf: SchemaName } | 'none' | 'redirect' | 'text' | 'event-stream';

export interface OperationSpec {
  /** operationId: camelCase, unique; the generated client and the CLI use it. */
  id: string;
  summary: string;
  /** Defaults to the controller's tag. */
  tags?: string[];
  /** The success status (200, 201, 202, 204, 302). */
  status: number;
  returns: OperationReturns;
  /** A second success status with the same body (PUT by email: 201 created, 200 updated). */
  alsoStatus?: number;
  /** Error statuses beyond those the route's door and parameters imply (e.g. 409, 422, 503). */
  errors?: number[];
  description?: string;
}

export const OPERATION_EXTENSION = 'x-berth-operation';

/**
 * Describes one route for the OpenAPI document: operationId, summary, success response schema and
 * its errors. Security (cookie and bearer with the door's token scope) and the problem+json error
 * responses are added from the door table when the document is built (common/openapi.ts); a test
 * fails for a route without it (test/e2e/contract.e2e.spec.ts).
 */
export const Operation = (spec: OperationSpec): MethodDecorator =>
  applyDecorators(ApiExtension(OPERATION_EXTENSION, spec));
