import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { BerthError, ErrorCode } from '../errors.js';

/** 1-based line and column of a character offset, as editors show them. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: offset - lastBreak };
}

/** "CloseBraceExpected" → "close brace expected". */
const describe = (error: ParseError): string =>
  printParseErrorCode(error.error)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();

/**
 * Parses a devcontainer.json the way the dev container tools do: JSON with comments and trailing
 * commas. jsonc-parser recovers from errors and would hand back a partial object; importing half a
 * file would silently drop settings, so any error is refused with its line and column.
 */
export function parseDevcontainerJsonc(text: string): Record<string, unknown> {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, {
    allowTrailingComma: true,
    disallowComments: false,
    allowEmptyContent: false,
  });
  const first = errors[0];
  if (first) {
    const { line, column } = position(text, first.offset);
    throw new BerthError(
      ErrorCode.Validation,
      `devcontainer.json is not valid JSONC: ${describe(first)} at line ${line}:${column}`,
      {
        field: 'devcontainer',
        line,
        column,
      },
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BerthError(ErrorCode.Validation, 'devcontainer.json must contain a JSON object', {
      field: 'devcontainer',
    });
  }
  return value as Record<string, unknown>;
}
