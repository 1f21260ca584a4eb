import { BerthError, ErrorCode } from './errors.js';
import { applyParameters, resolveParameterValues, type ResolvedParameters } from './template-parameter-values.js';
import { parameterDefinitionsSchema } from './template-parameters.js';
import { parseTemplateSpec, type TemplateSpec } from './template-spec.js';

const DOTFILES = ['https://git.example/a/dotfiles', 'https://git.example/b/dotfiles'];
const definitions = parameterDefinitionsSchema.parse([
  { name: 'cpus', kind: 'number', min: 1, max: 4, default: 2 },
  { name: 'memoryMb', kind: 'number', min: 512, max: 8192, default: 2048 },
  { name: 'DOTFILES_REPO', kind: 'choice', options: DOTFILES, default: DOTFILES[0] },
  { name: 'env', kind: 'env', namePattern: 'MY_[A-Z0-9_]+', maxEntries: 3 },
]);
const DEFAULTS = { cpus: 2, memoryMb: 2048, DOTFILES_REPO: DOTFILES[0], env: {} };

const resolve = (values: unknown, defs = definitions, templateEnv?: Record<string, string>): ResolvedParameters =>
  resolveParameterValues(defs, values, templateEnv);

/** The refusal as { field, message }, or undefined when accepted. */
const refusalOf = (
  values: unknown,
  defs = definitions,
  templateEnv?: Record<string, string>,
): { field: string; message: string } | undefined => {
  try {
    resolve(values, defs, templateEnv);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(BerthError);
    expect((error as BerthError).code).toBe(ErrorCode.Validation);
    expect(Object.keys((error as BerthError).details)).toEqual(['field']);
    return { field: (error as BerthError).details.field as string, message: (error as BerthError).message };
  }
};
const fieldOf = (values: unknown, defs = definitions, templateEnv?: Record<string, string>): string | undefined =>
  refusalOf(values, defs, templateEnv)?.field;

const envWith = (n: number): Record<string, string> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`MY_V${i}`, 'x']));

describe('resolveParameterValues', () => {
  describe('a template with no declared parameters', () => {
    it.each([undefined, {}])('accepts %j as no parameters', (values) => {
      expect(resolve(values, [])).toEqual({});
    });
    it.each(['cpus', 'env', 'ANYTHING'])('refuses any key (%s)', (key) => {
      expect(refusalOf({ [key]: 1 }, [])).toEqual({
        field: `parameters.${key}`,
        message: `template declares no parameter ${key}`,
      });
    });
  });

  it('fills every default when nothing is sent, as plain JSON', () => {
    for (const values of [undefined, {}]) {
      const resolved = resolve(values);
      expect(resolved).toEqual(DEFAULTS);
      expect(JSON.parse(JSON.stringify(resolved))).toEqual(resolved);
    }
  });

  it('keeps sent values and defaults the rest', () => {
    expect(resolve({ cpus: 3.5, env: { MY_TOKEN: 'abc' } })).toEqual({
      ...DEFAULTS,
      cpus: 3.5,
      env: { MY_TOKEN: 'abc' },
    });
  });

  it.each([null, [], 'cpus=2', 3, true])('refuses parameters = %j naming parameters', (values) => {
    expect(fieldOf(values)).toBe('parameters');
  });

  it.each(['bogus', 'CPUS', 'constructor', 'toString', '__proto__'])('refuses the undeclared parameter %s', (name) => {
    // JSON.parse so __proto__ is an own key, as it is in a request body.
    const values: unknown = JSON.parse(`{"${name}": 1}`);
    expect(refusalOf(values)).toEqual({
      field: `parameters.${name}`,
      message: `template declares no parameter ${name}`,
    });
  });

  it('names the first problem: unknown names before bounds, then declaration order', () => {
    expect(fieldOf({ cpus: 99, bogus: 1 })).toBe('parameters.bogus');
    expect(fieldOf({ memoryMb: 1, cpus: 99 })).toBe('parameters.cpus');
  });

  describe('numbers', () => {
    it.each([1, 4, 2.5])('accepts cpus %s (inclusive bounds)', (cpus) => {
      expect(resolve({ cpus }).cpus).toBe(cpus);
    });
    it.each([0.99, 4.01, 0, -1])('refuses cpus %s saying the bounds', (cpus) => {
      expect(refusalOf({ cpus })).toEqual({
        field: 'parameters.cpus',
        message: 'parameters.cpus must be between 1 and 4',
      });
    });
    it.each([512, 8192])('accepts memoryMb %s', (memoryMb) => {
      expect(resolve({ memoryMb }).memoryMb).toBe(memoryMb);
    });
    it.each([511, 8193])('refuses memoryMb %s', (memoryMb) => {
      expect(refusalOf({ memoryMb })).toEqual({
        field: 'parameters.memoryMb',
        message: 'parameters.memoryMb must be between 512 and 8192',
      });
    });
    it('refuses a fractional memoryMb', () => {
      expect(refusalOf({ memoryMb: 1024.5 })).toEqual({
        field: 'parameters.memoryMb',
        message: 'parameters.memoryMb must be an integer',
      });
    });
    it.each(['2', true, null, {}, [2], Number.NaN, Number.POSITIVE_INFINITY])('refuses the non-number %p', (cpus) => {
      expect(refusalOf({ cpus })).toEqual({ field: 'parameters.cpus', message: 'parameters.cpus must be a number' });
    });
  });

  describe('choices', () => {
    it.each(DOTFILES)('accepts the option %s', (choice) => {
      expect(resolve({ DOTFILES_REPO: choice }).DOTFILES_REPO).toBe(choice);
    });
    it.each(['https://evil.example/dotfiles', '', `${DOTFILES[0]} `])('refuses %j, not among the options', (choice) => {
      expect(refusalOf({ DOTFILES_REPO: choice })).toEqual({
        field: 'parameters.DOTFILES_REPO',
        message: "parameters.DOTFILES_REPO must be one of the template's options",
      });
    });
    it.each([1, null, [DOTFILES[0]]])('refuses the non-string %p', (choice) => {
      expect(fieldOf({ DOTFILES_REPO: choice })).toBe('parameters.DOTFILES_REPO');
    });
  });

  describe('free-text env', () => {
    it('accepts names matching the pattern, up to maxEntries', () => {
      expect(resolve({ env: envWith(3) }).env).toEqual(envWith(3));
    });
    it('refuses more than maxEntries, naming parameters.env', () => {
      expect(refusalOf({ env: envWith(4) })).toEqual({
        field: 'parameters.env',
        message: 'parameters.env must have at most 3 entries',
      });
    });
    it.each([null, [], 'MY_A=1', 5])('refuses env = %j', (env) => {
      expect(fieldOf({ env })).toBe('parameters.env');
    });
    it.each([1, null, true, { nested: 'x' }])('refuses the non-string value %p', (value) => {
      expect(fieldOf({ env: { MY_A: value } })).toBe('parameters.env.MY_A');
    });
    it('accepts a value of 8192 characters and refuses 8193', () => {
      expect(resolve({ env: { MY_A: 'x'.repeat(8192) } }).env).toEqual({ MY_A: 'x'.repeat(8192) });
      expect(refusalOf({ env: { MY_A: 'x'.repeat(8193) } })).toEqual({
        field: 'parameters.env.MY_A',
        message: 'parameters.env.MY_A must be at most 8192 characters',
      });
    });
    it('refuses a NUL in a value', () => {
      expect(fieldOf({ env: { MY_A: 'a\0b' } })).toBe('parameters.env.MY_A');
    });
    it.each(['OTHER', 'my_a', 'MY_'])('refuses %s, not matching the pattern', (name) => {
      expect(refusalOf({ env: { [name]: 'x' } })?.message).toBe(
        `parameters.env.${name}: ${name} does not match the template's name pattern MY_[A-Z0-9_]+`,
      );
    });
    it('anchors the pattern: the whole name must match even without ^ and $', () => {
      expect(fieldOf({ env: { EVIL_MY_A: 'x' } })).toBe('parameters.env.EVIL_MY_A');
      expect(fieldOf({ env: { MY_a: 'x' } })).toBe('parameters.env.MY_a');
      const alternation = parameterDefinitionsSchema.parse([{ name: 'env', kind: 'env', namePattern: 'A_.*|B_.*' }]);
      expect(resolve({ env: { A_X: '1', B_Y: '2' } }, alternation)).toEqual({ env: { A_X: '1', B_Y: '2' } });
      expect(fieldOf({ env: { C_B_X: '1' } }, alternation)).toBe('parameters.env.C_B_X');
      const explicit = parameterDefinitionsSchema.parse([{ name: 'env', kind: 'env', namePattern: '^MY_[A-Z]+$' }]);
      expect(resolve({ env: { MY_A: '1' } }, explicit)).toEqual({ env: { MY_A: '1' } });
    });

    describe('with a permissive pattern', () => {
      const open = parameterDefinitionsSchema.parse([
        { name: 'EDITOR', kind: 'choice', options: ['vim', 'nano'], default: 'vim' },
        { name: 'env', kind: 'env', namePattern: '.*' },
      ]);
      it('defaults maxEntries to 20', () => {
        expect(resolve({ env: envWith(20) }, open).env).toEqual(envWith(20));
        expect(fieldOf({ env: envWith(21) }, open)).toBe('parameters.env');
      });
      it.each(['BAD-NAME', '1ABC', 'A=B', ''])('still refuses the invalid env name %j', (name) => {
        expect(fieldOf({ env: { [name]: 'x' } }, open)).toBe(`parameters.env.${name}`);
      });
      it('caps names at 256 characters before testing the pattern', () => {
        expect(resolve({ env: { ['A'.repeat(256)]: 'x' } }, open).env).toEqual({ ['A'.repeat(256)]: 'x' });
        expect(fieldOf({ env: { ['A'.repeat(257)]: 'x' } }, open)).toBe(`parameters.env.${'A'.repeat(257)}`);
      });
      it.each(['HOME', 'BERTH_WORKSPACE_ID', 'BERTH_TOKEN', 'berth_x', '__proto__'])(
        'refuses %s, reserved by Berth',
        (name) => {
          const values: unknown = JSON.parse(`{"env": {"${name}": "x"}}`);
          expect(refusalOf(values, open)).toEqual({
            field: `parameters.env.${name}`,
            message: `parameters.env.${name}: ${name} is reserved by Berth`,
          });
        },
      );
      it('accepts names merely resembling reserved ones (env names are case-sensitive)', () => {
        expect(resolve({ env: { home: '1', MY_BERTH_X: '2', HOMEDIR: '3' } }, open).env).toEqual({
          home: '1',
          MY_BERTH_X: '2',
          HOMEDIR: '3',
        });
      });
      it("refuses a name a choice sets, which would bypass the choice's options", () => {
        expect(refusalOf({ env: { EDITOR: 'emacs' } }, open)).toEqual({
          field: 'parameters.env.EDITOR',
          message: 'parameters.env.EDITOR: EDITOR is set by the template',
        });
      });
      it("refuses a name the template's env sets when templateEnv is given", () => {
        expect(fieldOf({ env: { NODE_ENV: 'production' } }, open, { NODE_ENV: 'development' })).toBe(
          'parameters.env.NODE_ENV',
        );
        expect(fieldOf({ env: { NODE_ENV: 'production' } }, open)).toBeUndefined();
      });
    });
  });

  it('does not mutate what was sent', () => {
    const values = { cpus: 3, env: { MY_A: '1' } };
    const resolved = resolve(values);
    expect(values).toEqual({ cpus: 3, env: { MY_A: '1' } });
    expect(resolved.env).not.toBe(values.env);
  });
});

describe('applyParameters', () => {
  const spec = (): TemplateSpec =>
    parseTemplateSpec({
      image: 'berth/debian:bookworm',
      env: { NODE_ENV: 'development', DOTFILES_REPO: 'template-value' },
      ports: [{ port: 3000, name: 'web' }],
      resources: { cpus: 1, memoryMb: 1024, pidsLimit: 256 },
      parameters: definitions,
    });

  it('replaces the resources, sets choices and adds free env; the result is still a valid spec', () => {
    const applied = applyParameters(
      spec(),
      resolve({ cpus: 4, memoryMb: 8192, DOTFILES_REPO: DOTFILES[1], env: { MY_A: 'a' } }),
    );
    expect(applied.resources).toEqual({ cpus: 4, memoryMb: 8192, pidsLimit: 256 });
    expect(applied.env).toEqual({ NODE_ENV: 'development', DOTFILES_REPO: DOTFILES[1], MY_A: 'a' });
    expect(parseTemplateSpec(applied)).toEqual(applied);
  });

  it('applies the defaults when nothing was chosen', () => {
    const applied = applyParameters(spec(), resolve(undefined));
    expect(applied.resources).toEqual({ cpus: 2, memoryMb: 2048, pidsLimit: 256 });
    expect(applied.env).toEqual({ NODE_ENV: 'development', DOTFILES_REPO: DOTFILES[0] });
  });

  it('never lets free-text env override a variable the template sets', () => {
    const open = parseTemplateSpec({
      image: 'berth/debian:bookworm',
      env: { NODE_ENV: 'development' },
      parameters: [
        { name: 'EDITOR', kind: 'choice', options: ['vim'], default: 'vim' },
        { name: 'env', kind: 'env', namePattern: '.*' },
      ],
    });
    // Recorded values can bypass resolve (older versions, stored JSON): apply must hold on its own.
    const applied = applyParameters(open, {
      EDITOR: 'vim',
      env: { NODE_ENV: 'production', EDITOR: 'emacs', EXTRA: '1' },
    });
    expect(applied.env).toEqual({ NODE_ENV: 'development', EDITOR: 'vim', EXTRA: '1' });
  });

  it('never mutates the input spec and shares nothing with it', () => {
    const input = spec();
    const before = structuredClone(input);
    const applied = applyParameters(deepFreeze(input), resolve({ cpus: 3, env: { MY_A: 'a' } }));
    expect(input).toEqual(before);
    expect(applied).not.toBe(input);
    expect(applied.resources).not.toBe(input.resources);
    expect(applied.env).not.toBe(input.env);
    expect(applied.ports).not.toBe(input.ports);
    expect(applied.parameters).toEqual(input.parameters);
  });

  it('returns an equal copy for a template without parameters', () => {
    const input = parseTemplateSpec({ image: 'berth/debian:bookworm', env: { A: '1' } });
    const applied = applyParameters(input, {});
    expect(applied).toEqual(input);
    expect(applied).not.toBe(input);
  });

  it('tolerates values recorded against an older template version', () => {
    const recorded = {
      cpus: 16,
      memoryMb: 100,
      DOTFILES_REPO: 'https://gone.example',
      env: { MY_A: 'a', HOME: '/x', OTHER: 'o', MY_B: 'b', MY_C: 'c', MY_D: 'd' },
      removed: 'x',
    };
    const applied = applyParameters(spec(), recorded);
    expect(applied.resources).toEqual({ cpus: 4, memoryMb: 512, pidsLimit: 256 });
    expect(applied.env).toEqual({
      NODE_ENV: 'development',
      DOTFILES_REPO: DOTFILES[0],
      MY_A: 'a',
      MY_B: 'b',
      MY_C: 'c',
    });
    expect(applyParameters(spec(), { cpus: '3', memoryMb: 1024.5, env: 'x' }).resources).toEqual({
      cpus: 2,
      memoryMb: 2048,
      pidsLimit: 256,
    });
  });
});

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
