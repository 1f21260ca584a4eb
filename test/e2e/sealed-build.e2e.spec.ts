import { createServer, type Server, type Socket } from 'node:net';
import { ApiClient, signIn, testAdmin, testDocker, uniqueName, waitFor } from '#testing';

interface VersionView {
  status: string;
  imageId: string | null;
  buildError: string | null;
  logs?: { line: string }[];
}

/** Runs a command in a fresh container of an image and returns its output (the image's content). */
async function runImage(image: string, cmd: string[]): Promise<string> {
  const docker = testDocker();
  // A TTY, so the logs come as plain text (no stream headers).
  const container = await docker.createContainer({ Image: image, Cmd: cmd, Entrypoint: [], User: '0', Tty: true });
  try {
    await container.start();
    await container.wait();
    return (await container.logs({ stdout: true, stderr: true })).toString('utf8');
  } finally {
    await container.remove({ force: true });
  }
}

/**
 * The sealed build path against the real engine: one Dockerfile (the checked one), every image
 * reference through the allowlist, and RUN steps as hardened containers on a network that cannot
 * reach the host.
 */
describe('sealed build path (real Docker)', () => {
  let admin: ApiClient;

  const createBuilt = (dockerfile: string, files: Record<string, string> = {}) =>
    admin.post('/templates', { name: uniqueName('sealed'), spec: { build: { dockerfile, files } } });
  const settled = (templateId: string): Promise<VersionView> =>
    waitFor(
      async () => (await admin.get(`/templates/${templateId}/versions/1`)).body as VersionView,
      (v) => v.status === 'ready' || v.status === 'failed',
      'the version to build',
      120_000,
      250,
    );

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
  });

  it('refuses COPY --from= an image outside the allowlist, naming the line', async () => {
    const res = await createBuilt('FROM berth/busybox:test\n\nCOPY --from=evil/tools:1 /bin/tool /usr/bin/tool\n');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({
      field: 'spec.build.dockerfile',
      detail: expect.stringContaining('line 3: COPY --from= evil/tools:1 is not in the allowlist') as string,
    });
  });

  it('refuses a files entry that would shadow the checked Dockerfile', async () => {
    const res = await createBuilt('FROM berth/busybox:test\n', { Dockerfile: 'FROM evil/x:1\n' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field: 'spec.build.files.Dockerfile' });
  });

  it('builds stages, COPY --from a stage and context files, with its metadata', async () => {
    const res = await createBuilt(
      [
        'FROM berth/busybox:test AS tools',
        'RUN mkdir -p /out/sub && echo tool > /out/sub/t',
        'FROM berth/busybox:test',
        'ENV GREETING=hi',
        'WORKDIR /opt',
        'COPY --from=tools /out /opt/tools',
        'COPY --chown=1000:1000 motd ./motd',
        'RUN echo "$GREETING from $(pwd)" > /opt/made',
        'CMD ["sleep", "5"]',
        '',
      ].join('\n'),
      { motd: 'welcome\n' },
    );
    expect(res.status).toBe(201);
    const v = await settled((res.body as { id: string }).id);
    expect(v).toMatchObject({ status: 'ready', buildError: null });
    const out = await runImage(v.imageId!, [
      'sh',
      '-c',
      'cat /opt/tools/sub/t /opt/motd /opt/made; stat -c %u /opt/motd',
    ]);
    expect(out.replace(/\r/g, '')).toBe('tool\nwelcome\nhi from /opt\n1000\n');
    const config = (await testDocker().getImage(v.imageId!).inspect()).Config;
    expect(config).toMatchObject({ Cmd: ['sleep', '5'], WorkingDir: '/opt' });
    expect(config.Env).toContain('GREETING=hi');
  });

  describe('RUN steps', () => {
    let server: Server;
    let connections = 0;
    let gateway: string;
    let port: number;

    beforeAll(async () => {
      const network = await testDocker().getNetwork('berth-build').inspect();
      gateway = (network as { IPAM: { Config: { Gateway: string }[] } }).IPAM.Config[0]!.Gateway;
      // A listener of the host on the build bridge's own address (host-local).
      server = createServer((socket: Socket) => {
        connections += 1;
        socket.end('hello\n');
      });
      await new Promise<void>((resolve) => server.listen(0, gateway, resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('cannot reach a listener on the host, run with capabilities dropped, no-new-privileges and limits', async () => {
      const res = await createBuilt(
        [
          'FROM berth/busybox:test',
          `RUN if timeout 5 nc ${gateway} ${port} </dev/null; then echo REACHED-THE-HOST; exit 1; fi; echo host-unreachable`,
          'RUN grep -E "^(CapEff|NoNewPrivs)" /proc/self/status; echo "memory $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"',
          '',
        ].join('\n'),
      );
      expect(res.status).toBe(201);
      const v = await settled((res.body as { id: string }).id);
      const lines = v.logs?.map((l) => l.line) ?? [];
      expect(v.buildError).toBeNull();
      expect(lines).toEqual(expect.arrayContaining(['host-unreachable']));
      expect(connections).toBe(0);
      // Only the workspace capability allowlist (CHOWN … NET_BIND_SERVICE), not Docker's default a80425fb.
      expect(lines).toEqual(
        expect.arrayContaining(['CapEff:\t00000000000004fb', 'NoNewPrivs:\t1', `memory ${2048 * 1024 * 1024}`]),
      );
    });
  });
});
