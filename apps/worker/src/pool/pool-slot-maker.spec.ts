import { randomUUID } from 'node:crypto';
import { type BerthConfig, configSchema } from '#config';
import { parseTemplateSpec, POOL_OWNER, type TemplateVersion } from '#domain';
import {
  claimPoolSlot,
  CredentialChanges,
  PoolRepository,
  PrismaService,
  TemplatesRepository,
  UsersRepository,
} from '#persistence';
import { cloneDatabase, FakeRuntimeDriver } from '#testing';
import { testEnv } from '../../../../test/setup/test-env.js';
import { type TemplateImageService } from '../templates/template-image.service.js';
import { PoolSlotMaker, slotParameters } from './pool-slot-maker.js';

/**
 * Making and draining slots with the fake runtime, on a database of its own: a slot is the same
 * container and volume a workspace gets, with the pool's owner label, and a drain never touches a
 * slot that a request claimed first. The same on the real engine: test/e2e/warm-pool.e2e.spec.ts.
 */
describe('PoolSlotMaker (fake runtime, own database)', () => {
  let config: BerthConfig;
  let prisma: PrismaService;
  let pool: PoolRepository;
  let maker: PoolSlotMaker;
  let version: TemplateVersion;
  let ownerId: string;
  const runtime = new FakeRuntimeDriver();
  // The version's image is known; resolving it is TemplateImageService's own test's business.
  const images = { ensure: () => Promise.resolve({ id: 'sha256:img', digest: 'sha256:img', ref: 'img' }) };

  beforeAll(async () => {
    const base = testEnv();
    const url = await cloneDatabase(
      base.DATABASE_URL!.replace(/\/[^/?]*$/, '/postgres'),
      `berth_unit_pool_${base.BERTH_INSTANCE!.replace(/-/g, '_')}`,
      base.DATABASE_URL!,
    );
    config = configSchema.parse({ ...base, DATABASE_URL: url });
    prisma = new PrismaService(config);
    pool = new PoolRepository(prisma);
    maker = new PoolSlotMaker(config, runtime, pool, images as unknown as TemplateImageService);
    ownerId = (
      await new UsersRepository(prisma, new CredentialChanges()).create({
        email: `pool-${randomUUID()}@berth.test`,
        name: 'p',
        role: 'developer',
        passwordHash: null,
      })
    ).id;
    const template = await new TemplatesRepository(prisma).createWithFirstVersion({
      name: `pool-${randomUUID().slice(0, 8)}`,
      description: '',
      createdById: null,
      spec: parseTemplateSpec({ image: 'berth/busybox:test', startScript: 'true' }),
      message: 'v1',
    });
    version = { ...template.active!, status: 'ready', poolSize: 2 };
  });

  afterAll(async () => {
    await prisma.$disconnect();
  });

  it('makes a ready slot: a started container and a prepared volume of its id, owned by the pool', async () => {
    const id = await maker.make(version);
    expect(runtime.containers.get(id)).toMatchObject({ running: true, spec: { workspaceId: id, ownerId: POOL_OWNER } });
    expect(runtime.volumes.get(id)).toMatchObject({ ownerId: POOL_OWNER });
    expect(runtime.calls).toContain(`exec ${id} sh -c true`);
    expect((await pool.unclaimed()).find((s) => s.id === id)).toMatchObject({
      state: 'ready',
      parametersKey: slotParameters(version).key,
    });
  });

  it('drains unclaimed slots with their volumes, and never a slot a request claimed first', async () => {
    await maker.make(version);
    const all = (await pool.unclaimed()).map((slot) => slot.id);
    expect(all.length).toBeGreaterThanOrEqual(2);
    const { key, parameters } = slotParameters(version);
    const claimed = await prisma.$transaction((tx) =>
      claimPoolSlot(tx, {
        templateId: version.templateId,
        templateVersion: version.version,
        parametersKey: key,
        parameters,
        ownerId,
        name: 'claimed',
      }),
    );
    expect(claimed).toMatchObject({ ownerId, name: 'claimed', status: 'pending' });
    expect(all).toContain(claimed!.id);
    // The drain is asked for every slot, the claimed one included: it takes only the others.
    expect(await maker.drain(all)).toBe(all.length - 1);
    expect(runtime.containers.get(claimed!.id)?.running).toBe(true);
    expect(runtime.volumes.has(claimed!.id)).toBe(true);
    for (const id of all.filter((slot) => slot !== claimed!.id)) {
      expect(runtime.containers.has(id)).toBe(false);
      expect(runtime.volumes.has(id)).toBe(false);
    }
    expect(await pool.unclaimed()).toEqual([]);
  });
});
