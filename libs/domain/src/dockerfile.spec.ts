import { dockerfileProblems, expandVariables, parseDockerfile } from './dockerfile.js';

const allowed = (ref: string): boolean => ref.startsWith('berth/');
const messages = (text: string, args: Record<string, string> = {}): string[] =>
  dockerfileProblems(text, allowed, args).map((p) => p.message);

describe('Dockerfile checks for the sealed builder', () => {
  it('parses continuations, comments, flags and the JSON form with the first line of each instruction', () => {
    const parsed = parseDockerfile(
      '# c\nFROM berth/a AS base\nRUN echo a \\\n# inside\n  && echo b\nCOPY --from=base --chown=1:1 ["a", "/b"]\n',
    );
    expect(parsed.map((i) => [i.line, i.keyword])).toEqual([
      [2, 'FROM'],
      [3, 'RUN'],
      [6, 'COPY'],
    ]);
    expect(parsed[1]?.args).toBe('echo a \n  && echo b');
    expect(parsed[2]).toMatchObject({ flags: { from: 'base', chown: '1:1' }, json: ['a', '/b'] });
  });

  it('resolves stage names and ARGs; each FROM outside the allowlist is refused naming its line', () => {
    expect(
      messages(
        'ARG BASE=berth/busybox:test\nFROM $BASE AS tools\nFROM tools\nFROM 0\nFROM scratch\nCOPY --from=tools / /',
      ),
    ).toEqual([]);
    expect(messages('ARG BASE=berth/x\nFROM ${BASE}', { BASE: 'evil/x' })).toEqual([
      'line 2: FROM evil/x is not in the allowlist',
    ]);
    expect(messages('FROM berth/a\nRUN true\nfrom --platform=linux/amd64 debian:bookworm as tools')).toEqual([
      'line 3: FROM debian:bookworm is not in the allowlist',
    ]);
  });

  it('refuses COPY --from, RUN --mount from= and ADD of a URL outside the allowlist, naming the line', () => {
    expect(messages('FROM berth/a AS b\nCOPY --from=evil/tools:1 /bin/x /x\nCOPY --from=b /y /y')).toEqual([
      'line 2: COPY --from= evil/tools:1 is not in the allowlist',
    ]);
    expect(messages('FROM berth/a\nRUN --mount=type=bind,from=evil/x,target=/m true')).toEqual([
      'line 2: RUN --mount from= evil/x is not in the allowlist',
      "line 2: RUN --mount is not supported by Berth's builder",
    ]);
    expect(messages('FROM berth/a\nADD https://evil.example/x.tgz /opt/')).toEqual([
      'line 2: ADD https://evil.example/x.tgz is not in the allowlist',
    ]);
  });

  it('refuses instructions the builder does not run', () => {
    expect(messages('FROM berth/a\nVOLUME /data\nHEALTHCHECK NONE\nFOO bar')).toEqual([
      'line 2: VOLUME is not allowed: the workspace volume is mounted at homePath',
      'line 3: HEALTHCHECK is not supported: Berth checks workspaces itself',
      'line 4: unknown instruction FOO',
    ]);
    expect(messages('RUN true')).toEqual(['the Dockerfile has no FROM line']);
  });

  it('expands variables as Docker does', () => {
    const vars = new Map([['A', 'x']]);
    expect(expandVariables('$A ${A} ${B:-d} ${A:+alt} ${B:+alt} \\$A', vars)).toBe('x x d alt  $A');
  });
});
