import { randomUUID } from 'node:crypto';
import { type BerthConfig, configSchema } from '#config';
import { parseTemplateSpec, transitionRule, type TransitionKind } from '#domain';
import {
  AuditRepository,
  BuildsRepository,
  CredentialChanges,
  PrismaService,
  TemplatesRepository,
  TemplateVersionsRepository,
  SnapshotsRepository,
  TrashRepository,
  UsersRepository,
  WorkspacesRepository,
} from '#persistence';
import { WorkspaceEventsPublisher, WorkspaceEventsSubscriber } from '#queue';
import { cloneDatabase, FakeRuntimeDriver } from '#testing';
import { testEnv } from '../../../../test/setup/test-env.js';
import { TemplateImageService } from '../templates/template-image.service.js';
import { WorkspaceLifecycleService } from './workspace-lifecycle.service.js';
import { TrashPurger } from '../trash/trash-purger.js';
import { SnapshotService } from '../snapshots/snapshot.service.js';
import { LocalSnapshotStore } from '#runtime';

/**
 * What the orchestration specs share: the real test database and Redis, a fake runtime, and
 * helpers to make a workspace and request a transition the way the API does.
 */
export function lifecycleFixture(overrides: Record<string, string> = {}, options: { ownDatabase?: string } = {}) {
  const base = testEnv();
  // A database of its own (a copy of the test schema) keeps the suite's rows away from the e2e
  // worker's control loops (reconciler, reaper, idle, retention), which judge every row they see.
  const adminUrl = base.DATABASE_URL!.replace(/\/[^/?]*(\?.*)?$/, '/postgres');
  const ownName = options.ownDatabase && `berth_unit_${options.ownDatabase}_${base.BERTH_INSTANCE}`.replace(/-/g, '_');
  const databaseUrl = ownName ? adminUrl.replace(/\/postgres$/, `/${ownName}`) : base.DATABASE_URL;
  const config: BerthConfig = configSchema.parse({ ...base, DATABASE_URL: databaseUrl, ...overrides });
  const prisma = new PrismaService(config);
  const builds = new BuildsRepository(prisma);
  const workspaces = new WorkspacesRepository(prisma);
  const templates = new TemplatesRepository(prisma);
  const versions = new TemplateVersionsRepository(prisma);
  // Real Redis pub/sub, as in production: a spec listens the way the API does.
  const events = new WorkspaceEventsPublisher(config);
  const subscriber = new WorkspaceEventsSubscriber(config);
  let ownerId = '';

  return {
    config,
    prisma,
    builds,
    workspaces,
    templates,
    events,
    subscriber,
    async setUp(): Promise<void> {
      if (ownName) await cloneDatabase(adminUrl, ownName, base.DATABASE_URL!);
      const users = new UsersRepository(prisma, new CredentialChanges());
      ownerId = (
        await users.create({
          email: `orch-${randomUUID()}@berth.test`,
          name: 'o',
          role: 'developer',
          passwordHash: null,
        })
      ).id;
    },
    async tearDown(): Promise<void> {
      await Promise.all([prisma.$disconnect(), events.onApplicationShutdown(), subscriber.onApplicationShutdown()]);
    },
    runtime(): FakeRuntimeDriver {
      const runtime = new FakeRuntimeDriver();
      runtime.images.add('berth/busybox:test');
      return runtime;
    },
    service(runtime: FakeRuntimeDriver): WorkspaceLifecycleService {
      return new WorkspaceLifecycleService(
        config,
        runtime,
        builds,
        workspaces,
        templates,
        events,
        new TemplateImageService(config, runtime, versions),
        new TrashRepository(prisma),
        new TrashPurger(runtime, new TrashRepository(prisma), new AuditRepository(prisma)),
        new SnapshotService(
          runtime,
          new LocalSnapshotStore(`${config.BERTH_DATA_DIR}/unit-snapshots`),
          new SnapshotsRepository(prisma),
          workspaces,
        ),
      );
    },
    async newWorkspace(spec: object): Promise<string> {
      const t = await templates.createWithFirstVersion({
        name: `orch-${randomUUID()}`,
        description: '',
        createdById: null,
        spec: parseTemplateSpec(spec),
        message: 'v1',
      });
      return (
        await workspaces.create({
          name: `w-${randomUUID().slice(0, 8)}`,
          ownerId,
          templateId: t.id,
          templateVersion: 1,
          parameters: {},
        })
      ).id;
    },
    /** Requested as the API does: the status and desired state each kind's rule gives. */
    async transition(workspaceId: string, kind: TransitionKind): Promise<string> {
      const rule = transitionRule(kind);
      return (
        await builds.createForTransition({
          workspaceId,
          kind,
          templateVersion: 1,
          requestedById: null,
          requestedStatus: rule.requested,
          desiredState: rule.desired,
        })
      ).id;
    },
  };
}
