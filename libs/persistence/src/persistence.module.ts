import { Global, Module } from '@nestjs/common';
import { PrismaService } from './prisma.service.js';
import { UsersRepository } from './users.repository.js';
import { TokensRepository } from './tokens.repository.js';
import { TemplatesRepository } from './templates.repository.js';
import { WorkspacesRepository } from './workspaces.repository.js';
import { BuildsRepository } from './builds.repository.js';
import { AuditRepository } from './audit.repository.js';
import { SessionsRepository } from './sessions.repository.js';
import { TemplateVersionsRepository } from './template-versions.repository.js';
import { QuotasRepository } from './quotas.repository.js';
import { SshKeysRepository } from './ssh-keys.repository.js';
import { CredentialChanges } from './credential-changes.js';
import { IdempotencyKeysRepository } from './idempotency-keys.repository.js';
import { TrashRepository } from './trash.repository.js';
import { SnapshotsRepository } from './snapshots.repository.js';
import { InventoryRepository } from './inventory.repository.js';
import { PoolRepository } from './pool.repository.js';

const repositories = [
  PrismaService,
  CredentialChanges,
  UsersRepository,
  TokensRepository,
  TemplatesRepository,
  WorkspacesRepository,
  BuildsRepository,
  AuditRepository,
  SessionsRepository,
  TemplateVersionsRepository,
  QuotasRepository,
  SshKeysRepository,
  IdempotencyKeysRepository,
  TrashRepository,
  SnapshotsRepository,
  InventoryRepository,
  PoolRepository,
];

@Global()
@Module({ providers: repositories, exports: repositories })
export class PersistenceModule {}
