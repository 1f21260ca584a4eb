import { ErrorCode } from '../errors.js';
import { lintTemplateSpec } from '../template-spec.js';
import { importDevcontainer } from './devcontainer-import.js';

// devcontainer.json files written the way the containers.dev templates and the
// vscode-dev-containers definitions are: comments, commented-out options, trailing commas.

const keysOf = (result: { unsupported: { key: string }[] }): string[] => result.unsupported.map((u) => u.key);

describe('importDevcontainer: real devcontainer.json files', () => {
  it('image-based Node.js: image, ports with labels, env, postCreateCommand, remoteUser', () => {
    const result = importDevcontainer({
      devcontainer: `// For format details, see https://aka.ms/devcontainer.json. For config options, see the
// README at: https://github.com/devcontainers/templates/tree/main/src/typescript-node
{
	"name": "Node.js & TypeScript",
	// Or use a Dockerfile or Docker Compose file. More info: https://containers.dev/guide/dockerfile
	"image": "mcr.microsoft.com/devcontainers/typescript-node:1-20-bullseye",

	// Features to add to the dev container. More info: https://containers.dev/features.
	// "features": {},

	// Use 'forwardPorts' to make a list of ports inside the container available locally.
	"forwardPorts": [3000, 9229],
	"portsAttributes": {
		"3000": {
			"label": "Web App"
		},
	},

	"containerEnv": {
		"NODE_ENV": "development",
	},

	// Use 'postCreateCommand' to run commands after the container is created.
	"postCreateCommand": "yarn install",

	// Configure tool-specific properties.
	// "customizations": {},

	// Uncomment to connect as root instead. More info: https://aka.ms/dev-containers-non-root.
	"remoteUser": "node",
}
`,
    });
    expect(result.spec).toEqual({
      image: 'mcr.microsoft.com/devcontainers/typescript-node:1-20-bullseye',
      user: 'node',
      env: { NODE_ENV: 'development' },
      ports: [
        { port: 3000, name: 'web-app' },
        { port: 9229, name: 'port-9229' },
      ],
      initScript: 'yarn install',
    });
    expect(result.unsupported).toEqual([]);
    expect(result.suggestedName).toBe('node-js-typescript');
    expect(lintTemplateSpec(result.spec)).toEqual([]);
  });

  it('image-based Python: array postStartCommand is shell-quoted; editor settings are reported', () => {
    const result = importDevcontainer({
      devcontainer: `{
	"name": "Python 3",
	"image": "mcr.microsoft.com/devcontainers/python:1-3.12-bookworm",
	"forwardPorts": [8888],
	"portsAttributes": {
		"8888": { "label": "Jupyter", "onAutoForward": "openBrowser" },
		"5000-5010": { "onAutoForward": "silent" },
	},
	"postCreateCommand": "pip3 install --user -r requirements.txt",
	// The array form runs without a shell.
	"postStartCommand": ["git", "config", "--global", "--add", "safe.directory", "*"],
	"customizations": {
		"vscode": {
			"extensions": ["ms-python.python", "ms-toolsai.jupyter"],
		},
	},
	"remoteUser": "vscode",
}`,
    });
    expect(result.spec).toEqual({
      image: 'mcr.microsoft.com/devcontainers/python:1-3.12-bookworm',
      user: 'vscode',
      ports: [{ port: 8888, name: 'jupyter' }],
      initScript: 'pip3 install --user -r requirements.txt',
      startScript: "git config --global --add safe.directory '*'",
    });
    expect(keysOf(result)).toEqual([
      'portsAttributes.8888.onAutoForward',
      'portsAttributes.5000-5010',
      'customizations.vscode',
    ]);
    expect(result.unsupported.find((u) => u.key === 'customizations.vscode')?.reason).toBe('VS Code specific');
    expect(lintTemplateSpec(result.spec)).toEqual([]);
  });

  describe('Dockerfile-based with build args and a context of ".."', () => {
    const devcontainer = `// For format details, see https://aka.ms/devcontainer.json. For config options, see the README at:
// https://github.com/microsoft/vscode-dev-containers/tree/v0.245.2/containers/rust
{
	"name": "Rust",
	"build": {
		"dockerfile": "Dockerfile",
		// Sets the run context to one level up instead of the .devcontainer folder.
		"context": "..",
		"args": {
			// Use the VARIANT arg to pick a Debian OS version: buster, bullseye
			// Use bullseye when on local on arm64/Apple Silicon.
			"VARIANT": "bullseye",
			"USER_UID": "1000",
		},
		"target": "dev",
	},
	"forwardPorts": [8080],
	"postStartCommand": "cargo --version",
	// Comment out to connect as root instead. More info: https://aka.ms/vscode-remote/containers/non-root.
	"remoteUser": "vscode",
}`;
    const dockerfile = [
      'ARG VARIANT="buster"',
      'FROM mcr.microsoft.com/vscode/devcontainers/rust:0-${VARIANT} AS dev',
      'COPY .devcontainer/library-scripts/common-debian.sh /tmp/library-scripts/',
      'COPY rust-toolchain.toml /tmp/',
      '',
    ].join('\n');
    const files = {
      Dockerfile: dockerfile,
      'library-scripts/common-debian.sh': '#!/usr/bin/env bash\nset -e\n',
      '../rust-toolchain.toml': '[toolchain]\nchannel = "1.72"\n',
      '../Dockerfile': 'FROM scratch\n',
    };

    it('takes the Dockerfile text from files and re-roots the context files at ".."', () => {
      const result = importDevcontainer({ devcontainer, files });
      expect(result.spec).toEqual({
        build: {
          dockerfile,
          files: {
            '.devcontainer/library-scripts/common-debian.sh': '#!/usr/bin/env bash\nset -e\n',
            'rust-toolchain.toml': '[toolchain]\nchannel = "1.72"\n',
          },
          args: { VARIANT: 'bullseye', USER_UID: '1000' },
        },
        user: 'vscode',
        ports: [{ port: 8080, name: 'port-8080' }],
        startScript: 'cargo --version',
      });
      expect(keysOf(result)).toEqual(['build.target']);
      // The repository's own Dockerfile would land where the worker writes the template's.
      expect(result.notes.some((n) => n.startsWith('files.../Dockerfile was left out'))).toBe(true);
      expect(lintTemplateSpec(result.spec)).toEqual([]);
    });

    it('refuses a build whose Dockerfile was not sent, naming files.<path>', () => {
      const rest: Record<string, string> = { ...files };
      delete rest.Dockerfile;
      expect(() => importDevcontainer({ devcontainer, files: rest })).toThrow(
        expect.objectContaining({ code: ErrorCode.Validation, details: { field: 'files.Dockerfile' } }) as Error,
      );
    });
  });

  it('features, customizations.vscode, mounts, runArgs and privileged are all reported, none reaches the spec', () => {
    const result = importDevcontainer({
      devcontainer: `{
	"name": "Docker in Docker",
	// Or use a Dockerfile or Docker Compose file. More info: https://containers.dev/guide/dockerfile
	"image": "mcr.microsoft.com/devcontainers/base:bullseye",
	"features": {
		"ghcr.io/devcontainers/features/docker-in-docker:2": {
			"version": "latest",
			"enableNonRootDocker": "true",
			"moby": "true",
		},
		"ghcr.io/devcontainers/features/github-cli:1": {},
	},
	"mounts": [
		"source=\${localEnv:HOME}\${localEnv:USERPROFILE}/.ssh,target=/home/vscode/.ssh,type=bind,consistency=cached",
	],
	"runArgs": ["--cap-add=SYS_PTRACE", "--security-opt", "seccomp=unconfined"],
	"privileged": true,
	"capAdd": ["SYS_PTRACE"],
	// Configure tool-specific properties.
	"customizations": {
		"vscode": {
			"extensions": ["ms-azuretools.vscode-docker"],
		},
	},
	// Use 'postCreateCommand' to run commands after the container is created.
	"postCreateCommand": "docker --version",
	"remoteUser": "vscode",
}`,
    });
    expect(result.spec).toEqual({
      image: 'mcr.microsoft.com/devcontainers/base:bullseye',
      user: 'vscode',
      initScript: 'docker --version',
    });
    expect(keysOf(result)).toEqual([
      'features.ghcr.io/devcontainers/features/docker-in-docker:2',
      'features.ghcr.io/devcontainers/features/github-cli:1',
      'mounts',
      'runArgs',
      'privileged',
      'capAdd',
      'customizations.vscode',
    ]);
    for (const key of ['mounts', 'runArgs', 'privileged', 'capAdd']) {
      expect(result.unsupported.find((u) => u.key === key)?.reason).toMatch(/^security-sensitive: /);
    }
    expect(JSON.stringify(result.spec)).not.toMatch(/privileged|mounts|SYS_PTRACE|seccomp|\.ssh/);
    expect(lintTemplateSpec(result.spec)).toEqual([]);
  });

  describe('object-form (parallel) lifecycle commands, Codespaces style', () => {
    const devcontainer = `{
	"image": "mcr.microsoft.com/devcontainers/universal:2",
	"hostRequirements": {
		"cpus": 4
	},
	"waitFor": "onCreateCommand",
	"onCreateCommand": "npm ci",
	"updateContentCommand": "npm run build",
	"postCreateCommand": {
		"deps": "pip install -r requirements.txt",
		"db": ["psql", "-c", "CREATE DATABASE app"],
	},
	"postAttachCommand": {
		"server": "npm start",
	},
	"customizations": {
		"codespaces": {
			"openFiles": ["src/App.js"]
		}
	},
	"portsAttributes": {
		"3000": {
			"label": "Application",
			"onAutoForward": "openPreview"
		}
	},
	"forwardPorts": [3000],
}`;

    it('runs onCreate, updateContent and postCreate commands in sequence in initScript and says so', () => {
      const result = importDevcontainer({ devcontainer });
      expect(result.spec).toEqual({
        image: 'mcr.microsoft.com/devcontainers/universal:2',
        ports: [{ port: 3000, name: 'application' }],
        initScript: [
          '# Imported from devcontainer.json: run in sequence, stopping at the first failure.',
          '# onCreateCommand\n(\nnpm ci\n) || exit $?',
          '# updateContentCommand\n(\nnpm run build\n) || exit $?',
          '# postCreateCommand "deps"\n(\npip install -r requirements.txt\n) || exit $?',
          `# postCreateCommand "db"\n(\npsql -c 'CREATE DATABASE app'\n) || exit $?`,
        ].join('\n\n'),
      });
      expect(keysOf(result)).toEqual([
        'hostRequirements',
        'waitFor',
        'postAttachCommand',
        'customizations.codespaces',
        'portsAttributes.3000.onAutoForward',
      ]);
      expect(result.notes).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^postCreateCommand: its 2 named commands run in parallel .* one after another/),
          expect.stringMatching(
            /^onCreateCommand and updateContentCommand were placed in initScript before postCreateCommand/,
          ),
          expect.stringMatching(/^No usable remoteUser or containerUser/),
        ]),
      );
      expect(lintTemplateSpec(result.spec)).toEqual([]);
    });
  });

  it('${localEnv:...} and ${containerEnv:...} values are reported, not copied; remoteEnv wins', () => {
    const result = importDevcontainer({
      devcontainer: `{
	"name": "Python 3",
	"image": "mcr.microsoft.com/devcontainers/python:1-3.12-bookworm",
	"containerEnv": {
		"HOST_HOME": "\${localEnv:HOME}",
		"PIP_DISABLE_PIP_VERSION_CHECK": "1",
	},
	"remoteEnv": {
		// Keep the container's PATH and add the user's local bin
		"PATH": "\${containerEnv:PATH}:/home/vscode/.local/bin",
		"LOCAL_USER_PATH": "\${localEnv:HOME}\${localEnv:USERPROFILE}",
		"PIP_DISABLE_PIP_VERSION_CHECK": "0",
	},
	"workspaceFolder": "/workspaces/app",
	"remoteUser": "vscode",
}`,
    });
    expect(result.spec).toEqual({
      image: 'mcr.microsoft.com/devcontainers/python:1-3.12-bookworm',
      user: 'vscode',
      env: { PIP_DISABLE_PIP_VERSION_CHECK: '0' },
    });
    expect(result.unsupported).toEqual([
      {
        key: 'containerEnv.HOST_HOME',
        reason: expect.stringMatching(/^uses \$\{localEnv:HOME\}, a devcontainer.json variable/) as string,
      },
      { key: 'remoteEnv.PATH', reason: expect.stringMatching(/^uses \$\{containerEnv:PATH\}/) as string },
      { key: 'remoteEnv.LOCAL_USER_PATH', reason: expect.stringMatching(/^uses \$\{localEnv:HOME\}/) as string },
      { key: 'workspaceFolder', reason: expect.stringContaining('homePath') as string },
    ]);
    expect(lintTemplateSpec(result.spec)).toEqual([]);
  });
});
