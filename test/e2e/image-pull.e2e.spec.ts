import { randomUUID } from 'node:crypto';
import { ApiClient, containersOf, createDeveloper, signIn, testAdmin, testDocker, uniqueName, waitFor } from '#testing';

/**
 * The pull path against a real registry on loopback (scripts/registry.sh starts one for the
 * suite): a template names an image the engine does not have; the worker pulls it, logs the
 * progress into the build, pins its digest on the template version, and the workspace runs.
 */
describe('image pull (real registry on 127.0.0.1)', () => {
  const registry = process.env.BERTH_TEST_REGISTRY ?? '127.0.0.1:5000';
  const repo = `${registry}/berth/pull-test`;
  const tag = randomUUID().slice(0, 8);
  const ref = `${repo}:${tag}`;
  let admin: ApiClient;
  let dev: ApiClient;

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    ({ client: dev } = await createDeveloper(admin));
    // An image with a layer of its own (so the pull really downloads one), published to the
    // registry and then forgotten locally.
    const docker = testDocker();
    const maker = await docker.createContainer({
      Image: 'berth/busybox:test',
      Cmd: ['sh', '-c', `echo ${tag} > /pull-test`],
    });
    await maker.start();
    await maker.wait();
    await maker.commit({ repo, tag });
    await maker.remove();
    const push = await docker.getImage(ref).push({ authconfig: { serveraddress: registry } });
    await new Promise((resolve, reject) =>
      docker.modem.followProgress(push, (error: Error | null) => (error ? reject(error) : resolve(undefined))),
    );
    await docker.getImage(ref).remove();
    await expect(docker.getImage(ref).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  afterAll(async () => {
    await testDocker()
      .getImage(ref)
      .remove()
      .catch(() => undefined);
  });

  it('pulls a missing image with progress into the version log, pins its digest, and workspaces run it', async () => {
    const template = await admin.post('/templates', { name: uniqueName('pull'), spec: { image: ref } });
    expect(template.status).toBe(201);
    const templateId = (template.body as { id: string }).id;
    // The version's build job pulls the image; its log is the version's.
    const version = await waitFor(
      async () =>
        (await admin.get(`/templates/${templateId}/versions/1`)).body as {
          status: string;
          imageDigest: string;
          imageId: string;
          logs: { line: string }[];
        },
      (v) => v.status === 'ready' || v.status === 'failed',
      'the version to be pulled',
      60_000,
      200,
    );
    expect(version.status).toBe('ready');
    const lines = version.logs.map((l) => l.line);
    expect(lines).toContain(`image ${ref} is not present locally; pulling`);
    // Progress lines per layer and the digest the registry served.
    expect(lines.filter((l) => l.startsWith(`pull ${ref}: `)).join('\n')).toMatch(
      /layer [0-9a-f]{12} (Already exists|Pull complete)[\s\S]*Digest: sha256:[0-9a-f]{64}/,
    );

    const local = await testDocker().getImage(ref).inspect();
    const repoDigest = local.RepoDigests.find((d) => d.startsWith(repo))!.split('@')[1];
    expect(repoDigest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(version).toMatchObject({ imageDigest: repoDigest, imageId: local.Id });

    const created = await dev.post('/workspaces', { name: uniqueName('pulled'), templateId });
    const id = (created.body as { id: string }).id;
    await dev.waitForStatus(id, 'running');
    const [container] = await containersOf(id);
    expect((await testDocker().getContainer(container!.Id).inspect()).Image).toBe(local.Id);
    await dev.delete(`/workspaces/${id}`);
    await dev.waitForGone(id);
  });
  it('pins by a digest any host resolves: with the image gone here and the tag moved, a workspace gets the pinned one', async () => {
    const docker = testDocker();
    const templateId = (
      (await admin.post('/templates', { name: uniqueName('pin'), spec: { image: ref } })).body as { id: string }
    ).id;
    const pinned = await waitFor(
      async () =>
        (await admin.get(`/templates/${templateId}/versions/1`)).body as {
          status: string;
          imageDigest: string;
          imageRef: string;
          imageId: string;
        },
      (v) => v.status === 'ready' || v.status === 'failed',
      'the version to be pulled',
      60_000,
      200,
    );
    expect(pinned.imageRef).toBe(`${repo}@${pinned.imageDigest}`);

    // Another host: this engine no longer has the image, and the registry's tag now names another one.
    const maker = await docker.createContainer({
      Image: 'berth/busybox:test',
      Cmd: ['sh', '-c', 'echo moved > /pull-test'],
    });
    await maker.start();
    await maker.wait();
    await maker.commit({ repo, tag });
    await maker.remove();
    const push = await docker.getImage(ref).push({ authconfig: { serveraddress: registry } });
    await new Promise((resolve, reject) =>
      docker.modem.followProgress(push, (error: Error | null) => (error ? reject(error) : resolve(undefined))),
    );
    await docker.getImage(ref).remove({ force: true });
    await docker.getImage(pinned.imageId).remove({ force: true });

    const id = ((await dev.post('/workspaces', { name: uniqueName('pinned'), templateId })).body as { id: string }).id;
    await dev.waitForStatus(id, 'running');
    const [container] = await containersOf(id);
    expect((await docker.getContainer(container!.Id).inspect()).Image).toBe(pinned.imageId);
    const version = (await admin.get(`/templates/${templateId}/versions/1`)).body as { imageDigest: string };
    expect(version.imageDigest).toBe(pinned.imageDigest);
    await dev.delete(`/workspaces/${id}`);
    await dev.waitForGone(id);
  });
});
