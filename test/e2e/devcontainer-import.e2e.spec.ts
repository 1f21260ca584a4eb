import { ApiClient, containersOf, createDeveloper, dockerExec, signIn, testAdmin, uniqueName, waitFor } from '#testing';

// Written the way the containers.dev examples are: comments, trailing commas, features, VS Code bits.
const DEVCONTAINER = `// For format details, see https://aka.ms/devcontainer.json.
{
  "name": "Tooling (Dockerfile)",
  "build": {
    // Path is relative to the devcontainer.json file.
    "dockerfile": "Dockerfile",
    "args": { "TOOL_VERSION": "1.2.3" },
  },
  "features": {
    "ghcr.io/devcontainers/features/github-cli:1": {},
  },
  "containerEnv": { "APP_ENV": "development" },
  "remoteEnv": { "LOCAL_HOME": "\${localEnv:HOME}" },
  "forwardPorts": [3000],
  "portsAttributes": { "3000": { "label": "Web App" } },
  "postCreateCommand": "echo created >> ~/.created",
  "postStartCommand": ["sh", "-c", "echo started >> ~/.started"],
  "mounts": ["source=/var/run/docker.sock,target=/var/run/docker.sock,type=bind"],
  "customizations": { "vscode": { "extensions": ["dbaeumer.vscode-eslint"] } },
  "remoteUser": "dev",
}
`;
const DOCKERFILE =
  'FROM berth/busybox:test\nARG TOOL_VERSION\nRUN mkdir -p /opt && echo "tool $TOOL_VERSION" > /opt/tool\n';

/** devcontainer.json import over HTTP: mapped keys land in a working template, the rest is reported. */
describe('devcontainer.json import', () => {
  let admin: ApiClient;
  let dev: ApiClient;

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    ({ client: dev } = await createDeveloper(admin));
  });

  it('maps the supported subset, reports every other key, and the template builds and runs', async () => {
    const res = await admin.post('/templates/import/devcontainer', {
      name: uniqueName('imported'),
      devcontainer: DEVCONTAINER,
      files: { '.devcontainer/Dockerfile': DOCKERFILE, Dockerfile: DOCKERFILE },
    });
    expect(res.status).toBe(201);
    const body = res.body as {
      template: { id: string };
      spec: Record<string, unknown>;
      unsupported: { key: string; reason: string }[];
    };
    expect(body.spec).toMatchObject({
      build: { args: { TOOL_VERSION: '1.2.3' } },
      env: { APP_ENV: 'development' },
      ports: [{ port: 3000, name: 'web-app' }],
      initScript: 'echo created >> ~/.created',
      user: 'dev',
    });
    const reported = body.unsupported.map((u) => u.key);
    expect(reported).toEqual(
      expect.arrayContaining([
        'features.ghcr.io/devcontainers/features/github-cli:1',
        'remoteEnv.LOCAL_HOME',
        'mounts',
        'customizations.vscode',
      ]),
    );
    expect(body.unsupported.every((u) => u.reason.length > 0)).toBe(true);
    expect(JSON.stringify(body.spec)).not.toMatch(/docker\.sock|mounts|privileged/);

    const templateId = body.template.id;
    await waitFor(
      async () => ((await admin.get(`/templates/${templateId}/versions/1`)).body as { status: string }).status,
      (s) => s === 'ready' || s === 'failed',
      'the imported version to build',
      120_000,
      250,
    );
    const ws = (await dev.post('/workspaces', { name: uniqueName('dc'), templateId })).body as { id: string };
    await dev.waitForStatus(ws.id, 'running');
    const [container] = await containersOf(ws.id);
    expect(
      await dockerExec(
        container!.Id,
        ['sh', '-c', 'cat /opt/tool ~/.created ~/.started; echo $APP_ENV; id -un'],
        'dev',
      ),
    ).toBe('tool 1.2.3\ncreated\nstarted\ndevelopment\ndev\n');
    await dev.delete(`/workspaces/${ws.id}`);
  });

  it('a dry run only reports; invalid JSONC answers 400 naming the position', async () => {
    const name = uniqueName('dry');
    const dry = await admin.post('/templates/import/devcontainer', {
      name,
      devcontainer: '{ "image": "berth/busybox:test", "runArgs": ["--privileged"] }',
      dryRun: true,
    });
    expect(dry.status).toBe(201);
    expect(dry.body).toMatchObject({ spec: { image: 'berth/busybox:test' }, unsupported: [{ key: 'runArgs' }] });
    expect(dry.body).not.toHaveProperty('template');
    expect(((await admin.get('/templates')).body as { name: string }[]).map((t) => t.name)).not.toContain(name);

    const broken = await admin.post('/templates/import/devcontainer', {
      name: uniqueName('broken'),
      devcontainer: '{\n  "image": "x"\n  "oops": 1\n}',
    });
    expect(broken.status).toBe(400);
    expect((broken.body as { detail: string }).detail).toMatch(/not valid JSONC: .* at line 3/);
  });
});
