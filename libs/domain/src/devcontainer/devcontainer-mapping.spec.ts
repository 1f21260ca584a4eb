import { spawnSync } from 'node:child_process';
import { BerthError, ErrorCode } from '../errors.js';
import { lintTemplateSpec } from '../template-spec.js';
import { importDevcontainer } from './devcontainer-import.js';
import { shellQuote } from './lifecycle.js';
import { toDnsLabel } from './report.js';

// The individual mapping rules, one devcontainer.json property at a time.

const run = (json: string, files?: Record<string, string>) => importDevcontainer({ devcontainer: json, files });
const keysOf = (json: string): string[] => run(json).unsupported.map((u) => u.key);

describe('importDevcontainer: mapping rules', () => {
  it('legacy top-level dockerFile + context build like build.dockerfile + build.context', () => {
    const result = run('{ "dockerFile": "Dockerfile", "context": ".", "build": { "args": { "V": "1" } } }', {
      Dockerfile: 'FROM debian:bookworm\n',
      'scripts/setup.sh': 'echo hi\n',
      '../README.md': '# outside the context\n',
    });
    expect(result.spec.build).toEqual({
      dockerfile: 'FROM debian:bookworm\n',
      files: { 'scripts/setup.sh': 'echo hi\n' },
      args: { V: '1' },
    });
    expect(result.unsupported).toEqual([]);
    expect(result.notes).toContain('Files outside the build context "." were left out: ../README.md.');
    expect(lintTemplateSpec(result.spec)).toEqual([]);
  });

  it('a Dockerfile outside the folder is found by its relative path; devcontainerPath places the folder', () => {
    const result = importDevcontainer({
      devcontainer: '{ "build": { "dockerfile": "../../docker/dev.Dockerfile", "context": "../.." } }',
      devcontainerPath: '.devcontainer/api/devcontainer.json',
      files: {
        '../../docker/dev.Dockerfile': 'FROM node:20\n',
        'extra.txt': 'x',
        '../../../above-the-repository.txt': 'y',
      },
    });
    expect(result.spec.build).toEqual({ dockerfile: 'FROM node:20\n', files: { '.devcontainer/api/extra.txt': 'x' } });
    expect(result.notes).toContain(
      'Files outside the build context "../.." were left out: ../../../above-the-repository.txt.',
    );
  });

  it('refuses absolute build paths', () => {
    expect(() => run('{ "build": { "dockerfile": "/etc/passwd" } }', {})).toThrow(
      expect.objectContaining({ code: ErrorCode.Validation, details: { field: 'build.dockerfile' } }) as Error,
    );
    expect(() => run('{ "build": { "dockerfile": "Dockerfile", "context": "/" } }', { Dockerfile: 'FROM x' })).toThrow(
      expect.objectContaining({ code: ErrorCode.Validation, details: { field: 'build.context' } }) as Error,
    );
  });

  it('build args using variables, cacheFrom and options are reported', () => {
    const result = run(
      '{ "build": { "dockerfile": "Dockerfile", "args": { "TOKEN": "${localEnv:NPM_TOKEN}", "OK": "1" }, "cacheFrom": "x", "options": ["--network=host"] } }',
      { Dockerfile: 'FROM x\n' },
    );
    expect(result.spec.build).toEqual({ dockerfile: 'FROM x\n', args: { OK: '1' } });
    expect(result.unsupported.map((u) => u.key)).toEqual(['build.args.TOKEN', 'build.cacheFrom', 'build.options']);
  });

  it('forwardPorts: "host:port" items, appPort and otherPortsAttributes are reported; duplicates collapse; equal labels stay distinct', () => {
    const result = run(`{ "image": "x", "forwardPorts": [3000, "db:5432", 3000, 4000], "appPort": [8080],
      "portsAttributes": { "3000": { "label": "Web" }, "4000": { "label": "web" } }, "otherPortsAttributes": { "onAutoForward": "silent" } }`);
    expect(result.spec.ports).toEqual([
      { port: 3000, name: 'web' },
      { port: 4000, name: 'web-4000' },
    ]);
    expect(result.unsupported.map((u) => u.key)).toEqual(['forwardPorts.1', 'appPort', 'otherPortsAttributes']);
  });

  it('remoteUser wins over a different containerUser; containerUser alone is used', () => {
    expect(run('{ "image": "x", "containerUser": "root", "remoteUser": "dev" }')).toMatchObject({
      spec: { user: 'dev' },
      unsupported: [{ key: 'containerUser', reason: expect.stringContaining('remoteUser "dev" was used') as string }],
    });
    expect(run('{ "image": "x", "containerUser": "node", "remoteUser": "node" }').unsupported).toEqual([]);
    expect(run('{ "image": "x", "containerUser": "node" }').spec.user).toBe('node');
  });

  it('init and overrideCommand are reported only when they ask for something Berth does not do', () => {
    expect(keysOf('{ "image": "x", "init": true, "overrideCommand": true }')).toEqual([]);
    expect(keysOf('{ "image": "x", "init": false, "overrideCommand": false }')).toEqual(['init', 'overrideCommand']);
  });

  it('reports Compose, host commands, editor-only and unknown keys; $schema is ignored', () => {
    const keys =
      keysOf(`{ "$schema": "https://raw.githubusercontent.com/devcontainers/spec/main/schemas/devContainer.schema.json",
      "dockerComposeFile": ["../docker-compose.yml"], "service": "app", "runServices": ["db"], "shutdownAction": "stopCompose",
      "initializeCommand": "docker login", "userEnvProbe": "loginShell", "updateRemoteUserUID": false, "securityOpt": ["seccomp=unconfined"],
      "workspaceMount": "source=\${localWorkspaceFolder},target=/app,type=bind", "extensions": ["a.b"], "surprise": 1 }`);
    expect(keys).toEqual([
      'dockerComposeFile',
      'service',
      'runServices',
      'shutdownAction',
      'initializeCommand',
      'userEnvProbe',
      'updateRemoteUserUID',
      'securityOpt',
      'workspaceMount',
      'extensions',
      'surprise',
    ]);
  });

  it('a lifecycle command using a devcontainer variable is reported rather than run with the literal text', () => {
    const result = run(
      '{ "image": "x", "postCreateCommand": "git config --global --add safe.directory ${containerWorkspaceFolder}", "postStartCommand": "" }',
    );
    expect(result.spec).toEqual({ image: 'x' });
    expect(result.unsupported.map((u) => u.key)).toEqual(['postCreateCommand']);
  });

  it('a joined script stops at the first failing command and keeps each command in its own shell', () => {
    const { spec } = run(`{ "image": "debian:bookworm", "postCreateCommand": {
      "first": "cd /; echo one",
      "second": "pwd | grep -qx / && echo cd-leaked || echo two; false; exit 3",
      "third": "echo three",
    } }`);
    const shell = spawnSync('sh', ['-c', spec.initScript as string], { encoding: 'utf8', cwd: process.cwd() });
    expect(shell.stdout).toBe('one\ntwo\n');
    expect(shell.status).toBe(3);
  });

  it('a lone onCreateCommand becomes initScript as is, with a note', () => {
    const result = run('{ "image": "x", "onCreateCommand": ["npm", "ci"] }');
    expect(result.spec.initScript).toBe('npm ci');
    expect(result.notes).toContainEqual(
      expect.stringMatching(/^onCreateCommand was placed in initScript before postCreateCommand/),
    );
  });

  it('HOME and BERTH_ variables are reported: the worker sets them itself', () => {
    expect(keysOf('{ "image": "x", "containerEnv": { "HOME": "/root", "BERTH_X": "1", "OK": "1" } }')).toEqual([
      'containerEnv.HOME',
      'containerEnv.BERTH_X',
    ]);
  });

  it('refuses a file that is not an object', () => {
    expect(() => run('[1, 2]')).toThrow(
      expect.objectContaining({ code: ErrorCode.Validation, details: { field: 'devcontainer' } }) as Error,
    );
  });
});

describe('helpers', () => {
  it.each([
    ['npm', 'npm'],
    ['--flag=a/b.c', '--flag=a/b.c'],
    ['two words', "'two words'"],
    ["it's", "'it'\\''s'"],
    ['', "''"],
    ['$HOME', "'$HOME'"],
  ])('shellQuote(%j) = %s', (arg, quoted) => {
    expect(shellQuote(arg)).toBe(quoted);
  });

  it.each([
    ['Node.js & TypeScript', 'node-js-typescript'],
    ['  Café Ünïcode  ', 'cafe-unicode'],
    ['---', undefined],
    ['x'.repeat(70), 'x'.repeat(63)],
  ])('toDnsLabel(%j) = %j', (text, label) => {
    expect(toDnsLabel(text)).toBe(label);
  });
});

describe('devcontainer.json parsing', () => {
  it('a JSONC syntax error is a Validation error with line and column', () => {
    const broken = `{
	// a comment is fine, a missing comma is not
	"image": "mcr.microsoft.com/devcontainers/base:bookworm"
	"remoteUser": "vscode",
}`;
    let error: unknown;
    try {
      importDevcontainer({ devcontainer: broken });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BerthError);
    expect(error).toMatchObject({
      code: ErrorCode.Validation,
      message: 'devcontainer.json is not valid JSONC: comma expected at line 4:2',
      details: { field: 'devcontainer', line: 4, column: 2 },
    });
  });
});
