/**
 * The Dockerfile subset Berth's sealed builder runs, parsed once and shared by the check at
 * template creation (every image reference against the allowlist, each refusal naming its line)
 * and by the worker's builder, so what is checked is exactly what is built.
 */

export interface DockerfileInstruction {
  /** 1-based line of the instruction's first line. */
  line: number;
  /** Upper-case keyword (FROM, RUN, …). */
  keyword: string;
  /** `--name=value` flags before the arguments. */
  flags: Record<string, string>;
  /** The rest of the instruction, continuations joined. */
  args: string;
  /** The JSON (exec) form, when the arguments are a JSON array of strings. */
  json?: string[];
}

export interface DockerfileProblem {
  line: number;
  message: string;
}

/** Instructions the sealed builder runs; anything else is refused with its line. */
export const SUPPORTED_INSTRUCTIONS = new Set([
  'FROM',
  'ARG',
  'ENV',
  'LABEL',
  'WORKDIR',
  'USER',
  'RUN',
  'COPY',
  'ADD',
  'CMD',
  'ENTRYPOINT',
  'EXPOSE',
  'SHELL',
  'STOPSIGNAL',
  'MAINTAINER',
]);

const UNSUPPORTED_REASONS: Record<string, string> = {
  VOLUME: 'VOLUME is not allowed: the workspace volume is mounted at homePath',
  ONBUILD: 'ONBUILD is not supported',
  HEALTHCHECK: 'HEALTHCHECK is not supported: Berth checks workspaces itself',
};

export function parseDockerfile(text: string): DockerfileInstruction[] {
  const lines = text.split(/\r?\n/);
  const out: DockerfileInstruction[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i] ?? '';
    const start = i + 1;
    i += 1;
    if (first.trim() === '' || first.trimStart().startsWith('#')) continue;
    const continued = (text: string): boolean => /\\\s*$/.test(text);
    let body = first.replace(/\\\s*$/, '');
    // A trailing backslash continues the instruction; comment lines inside it are skipped (as Docker does).
    let more = continued(first);
    while (more && i < lines.length) {
      const next = lines[i] ?? '';
      i += 1;
      if (next.trimStart().startsWith('#')) continue;
      body += `\n${next.replace(/\\\s*$/, '')}`;
      more = continued(next);
    }
    const match = /^\s*(\S+)\s*([\s\S]*)$/.exec(body);
    if (!match?.[1]) continue;
    let rest = (match[2] ?? '').trim();
    const flags: Record<string, string> = {};
    for (;;) {
      const flag = /^--([A-Za-z-]+)(?:=(\S*))?\s*/.exec(rest);
      if (!flag?.[1]) break;
      // Several --mount flags are joined; each is checked.
      flags[flag[1]] = flags[flag[1]] ? `${flags[flag[1]]} ${flag[2] ?? ''}` : (flag[2] ?? '');
      rest = rest.slice(flag[0].length);
    }
    out.push({ line: start, keyword: match[1].toUpperCase(), flags, args: rest, json: jsonForm(rest) });
  }
  return out;
}

function jsonForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((p) => typeof p === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Expands `$X`, `${X}`, `${X:-default}` and `${X:+alt}`; unknown variables become empty, as in Docker. */
export function expandVariables(text: string, vars: ReadonlyMap<string, string>): string {
  return text.replace(
    /\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced?: string, op?: string, word?: string, bare?: string) => {
      if (whole === '\\$') return '$';
      const value = vars.get(braced ?? bare ?? '');
      if (op === '-') return value ? value : (word ?? '');
      if (op === '+') return value ? (word ?? '') : '';
      return value ?? '';
    },
  );
}

/** Words of a shell-form argument list, honouring simple quotes (COPY a b /dest). */
export function splitWords(args: string): string[] {
  const words: string[] = [];
  for (const m of args.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3] ?? '');
  return words;
}

/** `key=value` pairs (ENV, LABEL, ARG); the legacy `ENV key value` form too. */
export function keyValues(args: string, legacy: boolean): [string, string][] {
  const words = splitWords(args);
  if (legacy && words.length > 0 && !words[0]?.includes('=')) {
    const [key, ...value] = args.trim().split(/\s+/);
    return [[key ?? '', value.join(' ')]];
  }
  return words.map((w) => {
    const at = w.indexOf('=');
    return at < 0 ? [w, ''] : [w.slice(0, at), w.slice(at + 1)];
  });
}

export const isUrl = (source: string): boolean => /^(?:https?|git|ssh):\/\/|^git@/i.test(source);

/** Options of one `--mount=type=…,from=…,…` flag value. */
function mountFroms(value: string): string[] {
  return value
    .split(/\s+/)
    .flatMap((mount) => mount.split(','))
    .filter((kv) => kv.toLowerCase().startsWith('from='))
    .map((kv) => kv.slice(5));
}

/**
 * Every problem of a Dockerfile for the sealed builder, each naming its line: images outside the
 * allowlist (each FROM with stage names and ARGs resolved, COPY/ADD --from, RUN --mount from=,
 * ADD of a URL) and instructions the builder does not run.
 */
export function dockerfileProblems(
  text: string,
  allowed: (ref: string) => boolean,
  buildArgs: Readonly<Record<string, string>> = {},
): DockerfileProblem[] {
  const problems: DockerfileProblem[] = [];
  const instructions = parseDockerfile(text);
  if (!instructions.some((ins) => ins.keyword === 'FROM'))
    return [{ line: 1, message: 'the Dockerfile has no FROM line' }];
  const stages: string[] = [];
  const globalArgs = new Map<string, string>();
  let inStage = false;
  const image = (line: number, what: string, ref: string): void => {
    if (ref === '') problems.push({ line, message: `${what} names no image` });
    else if (!allowed(ref)) problems.push({ line, message: `${what} ${ref} is not in the allowlist` });
  };
  const isStage = (ref: string): boolean =>
    stages.includes(ref.toLowerCase()) || (/^\d+$/.test(ref) && Number(ref) < stages.length);
  for (const ins of instructions) {
    const at = `line ${ins.line}:`;
    if (!SUPPORTED_INSTRUCTIONS.has(ins.keyword)) {
      problems.push({
        line: ins.line,
        message: `${at} ${UNSUPPORTED_REASONS[ins.keyword] ?? `unknown instruction ${ins.keyword}`}`,
      });
      continue;
    }
    if (ins.keyword === 'ARG' && !inStage) {
      for (const [name, value] of keyValues(ins.args, false))
        globalArgs.set(name, buildArgs[name] ?? expandVariables(value, globalArgs));
      continue;
    }
    if (!inStage && ins.keyword !== 'FROM') {
      problems.push({ line: ins.line, message: `${at} ${ins.keyword} comes before the first FROM` });
      continue;
    }
    if (ins.keyword === 'FROM') {
      inStage = true;
      const words = splitWords(ins.args);
      const ref = expandVariables(words[0] ?? '', globalArgs);
      const alias = words[1]?.toUpperCase() === 'AS' ? (words[2] ?? '').toLowerCase() : '';
      if (ref !== 'scratch' && !isStage(ref)) image(ins.line, `${at} FROM`, ref);
      stages.push(alias || `#${stages.length}`);
      continue;
    }
    const from = ins.flags.from;
    if ((ins.keyword === 'COPY' || ins.keyword === 'ADD') && from !== undefined && !isStage(from))
      image(ins.line, `${at} ${ins.keyword} --from=`, from);
    if (ins.keyword === 'RUN' && ins.flags.mount !== undefined) {
      for (const ref of mountFroms(ins.flags.mount)) if (!isStage(ref)) image(ins.line, `${at} RUN --mount from=`, ref);
      problems.push({ line: ins.line, message: `${at} RUN --mount is not supported by Berth's builder` });
    }
    const unknownFlag = Object.keys(ins.flags).find((f) => !['from', 'chown', 'chmod', 'mount'].includes(f));
    if (unknownFlag) problems.push({ line: ins.line, message: `${at} --${unknownFlag} is not supported` });
    if (ins.keyword === 'ADD') {
      for (const source of (ins.json ?? splitWords(ins.args)).slice(0, -1)) {
        if (!isUrl(source)) continue;
        if (!allowed(source)) problems.push({ line: ins.line, message: `${at} ADD ${source} is not in the allowlist` });
        else
          problems.push({
            line: ins.line,
            message: `${at} ADD of a URL is not supported by Berth's builder: fetch it in a RUN step`,
          });
      }
    }
  }
  return problems;
}
