import { type Command } from 'commander';

/** `--json` may come before or after the subcommand. */
export const wantsJson = (command: Command): boolean => Boolean(command.optsWithGlobals<{ json?: boolean }>().json);

/** A result: one JSON document with --json, else the human text. */
export function print(command: Command, value: unknown, human: string | string[]): void {
  if (wantsJson(command)) process.stdout.write(`${JSON.stringify(value)}\n`);
  else {
    const lines = Array.isArray(human) ? human : [human];
    if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
  }
}

/** Columns padded to their widest cell. */
export function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '));
}
