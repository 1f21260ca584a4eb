import { randomUUID } from 'node:crypto';
import { type Duplex } from 'node:stream';
import { BerthError, ErrorCode, parseTemplateSpec } from '#domain';
import { type RuntimeDriver, type WorkspaceRuntimeSpec } from '#runtime';

/**
 * What every RuntimeDriver must do, as jest tests: run it against a driver (fake, Docker, the
 * next engine's) from that driver's own spec file, so a third driver inherits every rule here.
 * Runs: libs/testing/src/fake-runtime.driver.spec.ts, test/e2e/docker-driver.e2e.spec.ts.
 */
export interface RuntimeDriverHarness {
  /** The driver under test; one per suite. */
  driver(): RuntimeDriver | Promise<RuntimeDriver>;
  /** A local image with busybox (sh, cat, nc) that the driver can run. */
  image: string;
  /** The labels of every engine object the driver holds for this workspace (container, volume…). */
  labelsOf(workspaceId: string): Promise<Record<string, string>[]>;
  /** Runs after the suite, once the suite removed what it made. */
  cleanup?(): Promise<void>;
}

const ECHO_PORT = 8000;
const PRIVATE_PORT = 8001;

export function runtimeDriverContract(name: string, harness: RuntimeDriverHarness): void {
  describe(`RuntimeDriver contract: ${name}`, () => {
    let driver: RuntimeDriver;
    const made: string[] = [];
    const ownerId = randomUUID();

    /**
     * A workspace whose command serves an echo on a port its template publishes and another on
     * one it does not (busybox's nc cannot bind to 127.0.0.1 alone; unpublished is what counts).
     */
    const workspace = (): WorkspaceRuntimeSpec => {
      const workspaceId = randomUUID();
      made.push(workspaceId);
      return {
        workspaceId,
        ownerId,
        hostname: `contract-${workspaceId.slice(0, 8)}`,
        image: harness.image,
        spec: parseTemplateSpec({
          image: harness.image,
          user: '1000:1000',
          ports: [{ port: ECHO_PORT, name: 'echo' }],
          command: ['sh', '-c', `nc -ll -p ${ECHO_PORT} -e cat & nc -ll -p ${PRIVATE_PORT} -e cat & wait`],
        }),
        env: { BERTH_WORKSPACE_ID: workspaceId },
      };
    };

    const started = async (): Promise<WorkspaceRuntimeSpec> => {
      const ws = workspace();
      await driver.ensureImage(harness.image, () => undefined);
      await driver.ensureVolume(ws.workspaceId, ws.ownerId);
      await driver.prepareVolume(ws);
      await driver.startContainer(ws);
      // Until its servers listen (nothing else to wait on: the container's own processes start them).
      while ((await driver.closedPorts(ws.workspaceId, [ECHO_PORT, PRIVATE_PORT])).length > 0) await tick();
      return ws;
    };

    const sh = async (workspaceId: string, script: string): Promise<{ code: number; out: string }> => {
      let out = '';
      const code = await driver.exec(
        workspaceId,
        { cmd: ['sh', '-c', script], user: '1000:1000', workdir: '/', timeoutMs: 30_000 },
        (stream, lines) => {
          if (stream === 'stdout') out += lines.map((l) => `${l}\n`).join('');
        },
      );
      return { code, out };
    };

    beforeAll(async () => {
      driver = await harness.driver();
    });

    afterAll(async () => {
      for (const id of made) {
        await driver.discard(id);
        await driver.removeVolume(id);
      }
      await harness.cleanup?.();
    });

    it('images: a local image is pinned by digest, reference and local id; a missing one is ImageUnavailable', async () => {
      const image = await driver.ensureImage(harness.image, () => undefined);
      expect(image.digest).toMatch(/^sha256:/);
      expect(image.ref).toContain(harness.image.split(':')[0]);
      expect(await driver.hasImage(image.id)).toBe(true);
      expect(await driver.hasImage(harness.image)).toBe(true);
      expect(await driver.hasImage('berth/contract-no-such-image:1')).toBe(false);
      await expect(driver.ensureImage('berth/contract-no-such-image:1', () => undefined)).rejects.toMatchObject({
        code: ErrorCode.ImageUnavailable,
      });
    });

    it('create, start, stop, start again: one container, its ports, labels on every object, the same volume', async () => {
      const ws = workspace();
      expect(await driver.ensureVolume(ws.workspaceId, ws.ownerId)).toEqual({ created: true });
      expect(await driver.ensureVolume(ws.workspaceId, ws.ownerId)).toEqual({ created: false });
      await driver.prepareVolume(ws);
      // A driver may prepare the volume through the workspace's own container: created, never started.
      const prepared = await driver.findContainer(ws.workspaceId);
      expect(prepared === null || !prepared.running).toBe(true);

      const first = await driver.startContainer(ws);
      expect(first.running).toBe(true);
      expect(first.ports.map((p) => p.port)).toEqual([ECHO_PORT]);
      // Starting a running workspace again is the same container.
      expect((await driver.startContainer(ws)).id).toBe(first.id);
      expect(await driver.findContainer(ws.workspaceId)).toMatchObject({ id: first.id, running: true });

      const labels = await harness.labelsOf(ws.workspaceId);
      expect(labels.length).toBeGreaterThanOrEqual(2); // at least its container and its volume
      for (const l of labels)
        expect(l).toMatchObject({
          'berth.managed': 'true',
          'berth.workspace.id': ws.workspaceId,
          'berth.owner.id': ws.ownerId,
        });

      expect(await sh(ws.workspaceId, `echo kept > ${ws.spec.homePath}/note`)).toEqual({ code: 0, out: '' });
      await driver.removeContainer(ws.workspaceId);
      expect(await driver.findContainer(ws.workspaceId)).toBeNull();
      await driver.removeContainer(ws.workspaceId); // idempotent

      expect(await driver.ensureVolume(ws.workspaceId, ws.ownerId)).toEqual({ created: false });
      const second = await driver.startContainer(ws);
      expect(second.id).not.toBe(first.id);
      expect(await sh(ws.workspaceId, `cat ${ws.spec.homePath}/note`)).toEqual({ code: 0, out: 'kept\n' });
    });

    it('exec answers the command’s exit status', async () => {
      const ws = await started();
      expect((await sh(ws.workspaceId, 'exit 0')).code).toBe(0);
      expect((await sh(ws.workspaceId, 'exit 3')).code).toBe(3);
      expect((await sh(ws.workspaceId, `cat ${ws.spec.homePath}/no-such-file`)).code).not.toBe(0);
    });

    it('connectToPort: a published port both ways; an unpublished one on loopback only (else NotFound)', async () => {
      const ws = await started();
      expect(await echo(await driver.connectToPort(ws.workspaceId, ECHO_PORT, { reach: 'published' }))).toBe(
        'published\n',
      );
      expect(await echo(await driver.connectToPort(ws.workspaceId, ECHO_PORT, { reach: 'loopback' }))).toBe(
        'published\n',
      );
      expect(await echo(await driver.connectToPort(ws.workspaceId, PRIVATE_PORT, { reach: 'loopback' }))).toBe(
        'published\n',
      );
      await expect(driver.connectToPort(ws.workspaceId, PRIVATE_PORT, { reach: 'published' })).rejects.toMatchObject({
        code: ErrorCode.NotFound,
      });
    });

    it('listWorkspaces: each workspace once, with its instance, never a helper; discard keeps the volume', async () => {
      const ws = await started();
      const mine = (await driver.listWorkspaces()).filter((w) => made.includes(w.workspaceId));
      expect(mine.filter((w) => w.workspaceId === ws.workspaceId)).toEqual([
        {
          workspaceId: ws.workspaceId,
          instance: { running: true, status: expect.any(String) as string },
          leftovers: 0,
        },
      ]);
      expect(new Set(mine.map((w) => w.workspaceId)).size).toBe(mine.length);

      await driver.discard(ws.workspaceId);
      await driver.discard(ws.workspaceId); // idempotent
      expect((await driver.listWorkspaces()).some((w) => w.workspaceId === ws.workspaceId)).toBe(false);
      expect(await driver.listManagedVolumes()).toContain(ws.workspaceId);
      expect(await driver.ensureVolume(ws.workspaceId, ws.ownerId)).toEqual({ created: false });
    });

    it('missing objects: nothing found, removals succeed, and what needs a running workspace is refused', async () => {
      const id = randomUUID();
      expect(await driver.findContainer(id)).toBeNull();
      await driver.removeContainer(id);
      await driver.removeVolume(id);
      await driver.discard(id);
      await driver.removeLeftovers(id);
      const refused = { code: expect.stringMatching(/^(conflict|runtime_failure)$/) as string };
      await expect(driver.connectToPort(id, ECHO_PORT, { reach: 'published' })).rejects.toBeInstanceOf(BerthError);
      await expect(driver.connectToPort(id, ECHO_PORT, { reach: 'published' })).rejects.toMatchObject(refused);
      await expect(
        driver.exec(id, { cmd: ['true'], user: '', workdir: '/', timeoutMs: 5000 }, () => undefined),
      ).rejects.toMatchObject(refused);
      await expect(driver.stats(id)).rejects.toMatchObject(refused);
      await expect(
        driver.openExec(id, { cmd: ['true'], user: '', workdir: '/', env: {}, tty: null }),
      ).rejects.toMatchObject(refused);
    });
  });
}

/** Writes one line, half-closes, and answers everything read back. */
function echo(stream: Duplex): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    stream.on('data', (chunk: Buffer) => (got += chunk.toString()));
    stream.once('end', () => resolve(got));
    stream.once('error', reject);
    stream.end('published\n');
  });
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));
