import { type NextFunction, type Request, type Response } from 'express';
import { BerthError, ErrorCode } from '#domain';

/** Deeper JSON is refused before it is parsed (every real body of this API is under 10 levels). */
export const MAX_JSON_DEPTH = 64;
/** Names that mean something to JavaScript objects: never a setting, parameter or variable name. */
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

const refuse = (field: string, message: string): BerthError =>
  new BerthError(ErrorCode.Validation, `${field}: ${message}`, { field });

/** body-parser re-wraps what `verify` throws (403 unless it carries a status): a plain 400 error. */
const tooDeep = (): Error =>
  Object.assign(new Error(`body: JSON nested deeper than ${MAX_JSON_DEPTH} levels is refused`), {
    status: 400,
    field: 'body',
    type: 'entity.too.deep',
  });

/**
 * body-parser's `verify` hook: one linear pass over the raw bytes counting nesting outside
 * strings, so a 5,000-deep body is a 400 before JSON.parse or any validator recurses into it.
 */
export function refuseDeepJson(_req: unknown, _res: unknown, raw: Buffer): void {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (const byte of raw) {
    if (inString) {
      if (escaped) escaped = false;
      else if (byte === 0x5c) escaped = true;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x7b || byte === 0x5b) {
      depth += 1;
      if (depth > MAX_JSON_DEPTH) throw tooDeep();
    } else if (byte === 0x7d || byte === 0x5d) {
      depth -= 1;
    }
  }
}

/**
 * Refuses, for every route, input that no field may hold: a reserved object name as a key at any
 * depth (`__proto__` was silently dropped from parameters), and NUL in any string, key, query
 * value or path (it reached Postgres as a 500). Runs after the body parser, before validation, so
 * nothing is written.
 */
export function refuseHostileInput(req: Request, _res: Response, next: NextFunction): void {
  try {
    if (/%00/.test(req.originalUrl) || req.originalUrl.includes('\0')) throw refuse('path', 'must not contain NUL');
    checkValue(req.query, '');
    checkValue(req.body as unknown, '');
    next();
  } catch (error) {
    next(error);
  }
}

function checkValue(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (value.includes('\0')) throw refuse(path || 'body', 'must not contain NUL');
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkValue(item, `${path}[${i}]`));
    return;
  }
  for (const key of Object.keys(value)) {
    const field = path ? `${path}.${key}` : key;
    if (RESERVED_NAMES.has(key)) throw refuse(field, `"${key}" is a reserved name and is refused`);
    if (key.includes('\0')) throw refuse(field.replaceAll('\0', '\\0'), 'names must not contain NUL');
    checkValue((value as Record<string, unknown>)[key], field);
  }
}
