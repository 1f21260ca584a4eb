import { Inject, Injectable } from '@nestjs/common';
import { hashPassword, verifyPassword, type AuthenticatedUser } from '#auth';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { isEmail } from 'class-validator';
import { BerthError, conflict, ErrorCode, invalid, notFound, type Page } from '#domain';
import { isUniqueViolation, SessionsRepository, TokensRepository, UsersRepository } from '#persistence';
import { PasswordResetsService, type PasswordResetView } from '../auth/password-resets.service.js';
import { type CreatedTokenView, type CreateTokenDto } from '../tokens/tokens.dto.js';
import { TokensService } from '../tokens/tokens.service.js';
import { WorkspacesService } from '../workspaces/workspaces.service.js';
import { QuotaService } from '../workspaces/quota.service.js';
import { type CreateUserDto, type PutUserDto, type QuotaOverridesDto, type UpdateUserDto } from './users.dto.js';
import { toUserView, type UserView } from './user.view.js';
import { type PageQueryDto, pageOrAll } from '../common/list-query.dto.js';

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly tokens: TokensService,
    private readonly tokensRepo: TokensRepository,
    private readonly workspaces: WorkspacesService,
    private readonly quota: QuotaService,
    private readonly resets: PasswordResetsService,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  async me(id: string): Promise<UserView> {
    const user = await this.users.findById(id);
    if (!user) throw notFound('user');
    return toUserView({ ...user, active: undefined }, await this.quota.summary(user));
  }

  async create(dto: CreateUserDto): Promise<UserView> {
    if (dto.password !== undefined && dto.password.length < this.config.BERTH_MIN_PASSWORD_LENGTH) {
      throw invalid(`password must be at least ${this.config.BERTH_MIN_PASSWORD_LENGTH} characters`, 'password');
    }
    const passwordHash = dto.password ? await hashPassword(dto.password) : null;
    try {
      return toUserView(await this.users.create({ email: dto.email, name: dto.name, role: dto.role, passwordHash }));
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`a user with email ${dto.email} already exists`, { field: 'email' });
      throw error;
    }
  }

  /**
   * Creates the account, or brings an existing one to the given name and role; nothing is
   * written when it already matches, so a script may send it on every run.
   */
  async putByEmail(email: string, dto: PutUserDto): Promise<{ user: UserView; created: boolean }> {
    if (!isEmail(email) || email.length > 254) throw invalid('not an email address', 'email');
    const existing = await this.users.findByEmail(email);
    if (!existing) {
      const name = dto.name ?? email.split('@')[0] ?? email;
      try {
        return {
          user: await this.create({ email, name, role: dto.role ?? 'developer', password: dto.password }),
          created: true,
        };
      } catch (error) {
        // Another request created it meanwhile: from here it is an update.
        if (!(error instanceof BerthError && error.code === ErrorCode.Conflict)) throw error;
        return this.putByEmail(email, dto);
      }
    }
    const changes = {
      ...(dto.name !== undefined && dto.name !== existing.name ? { name: dto.name } : {}),
      ...(dto.role !== undefined && dto.role !== existing.role ? { role: dto.role } : {}),
    };
    if (Object.keys(changes).length === 0) return { user: toUserView(existing), created: false };
    const updated = await this.users.updateKeepingAnAdmin(existing.id, changes);
    if (!updated) throw conflict('the last active admin cannot be demoted or deactivated');
    return { user: toUserView(updated), created: false };
  }

  async list(q: PageQueryDto = {}): Promise<UserView[] | Page<UserView>> {
    return pageOrAll(await this.users.list(), q, (u) => toUserView(u));
  }

  async get(id: string): Promise<UserView> {
    const user = await this.existing(id);
    return toUserView(user, await this.quota.summary(user));
  }

  async update(actor: AuthenticatedUser, id: string, dto: UpdateUserDto): Promise<UserView> {
    await this.existing(id);
    const { quota, ...fields } = dto;
    // Lowering a quota below current usage stops nothing: it only refuses what would add to it.
    const updated = await this.users.updateKeepingAnAdmin(id, { ...fields, ...(quota ? quotaColumns(quota) : {}) });
    if (!updated) throw conflict('the last active admin cannot be demoted or deactivated');
    if (dto.active === false) await this.endAccess(actor, id);
    return toUserView(updated, await this.quota.summary(updated));
  }

  /** Deactivation, not deletion: workspaces and audit history keep their owner. */
  async deactivate(actor: AuthenticatedUser, id: string): Promise<void> {
    await this.existing(id);
    if (!(await this.users.updateKeepingAnAdmin(id, { active: false })))
      throw conflict('the last active admin cannot be demoted or deactivated');
    await this.endAccess(actor, id);
  }

  /** An admin makes a token for someone else (onboarding scripts); the audit row names both. */
  async createTokenFor(actor: AuthenticatedUser, id: string, dto: CreateTokenDto): Promise<CreatedTokenView> {
    const user = await this.existing(id);
    if (!user.active) throw conflict('the user is deactivated');
    return this.tokens.create(id, dto, actor.id);
  }

  async createPasswordReset(id: string): Promise<PasswordResetView> {
    const user = await this.existing(id);
    if (!user.active) throw conflict('the user is deactivated');
    return this.resets.create(id);
  }

  /**
   * Changing one's own password needs the current one; every other session of the user ends
   * (the one making the change stays signed in).
   */
  async changeOwnPassword(
    user: AuthenticatedUser,
    sid: string | undefined,
    current: string,
    next: string,
  ): Promise<void> {
    const record = await this.existing(user.id);
    if (!record.passwordHash || !(await verifyPassword(record.passwordHash, current)))
      throw new BerthError(ErrorCode.Forbidden, 'the current password is wrong', { field: 'currentPassword' });
    if (next.length < this.config.BERTH_MIN_PASSWORD_LENGTH)
      throw invalid(`password must be at least ${this.config.BERTH_MIN_PASSWORD_LENGTH} characters`, 'newPassword');
    await this.users.setPasswordHash(user.id, await hashPassword(next));
    if (sid) await this.sessions.deleteForUserExcept(user.id, sid);
    else await this.sessions.deleteForUser(user.id);
  }

  /**
   * Sessions end now (their rows are deleted), tokens are revoked for good (reactivation brings
   * none back), and running workspaces are asked to stop.
   */
  private async endAccess(actor: AuthenticatedUser, id: string): Promise<void> {
    await this.sessions.deleteForUser(id);
    await this.tokensRepo.revokeAllForUser(id);
    await this.workspaces.stopAllOwnedBy(actor, id);
  }

  private async existing(id: string): Promise<NonNullable<Awaited<ReturnType<UsersRepository['findById']>>>> {
    const user = await this.users.findById(id);
    if (!user) throw notFound('user');
    return user;
  }
}

/** Only the limits present in the request are written: a number sets the override, null clears it. */
function quotaColumns(quota: QuotaOverridesDto): Parameters<UsersRepository['update']>[1] {
  return {
    ...(quota.maxWorkspaces === undefined ? {} : { quotaMaxWorkspaces: quota.maxWorkspaces }),
    ...(quota.maxSnapshotMb === undefined ? {} : { quotaMaxSnapshotMb: quota.maxSnapshotMb }),
    ...(quota.maxRunning === undefined ? {} : { quotaMaxRunning: quota.maxRunning }),
    ...(quota.maxCpus === undefined ? {} : { quotaMaxCpus: quota.maxCpus }),
    ...(quota.maxMemoryMb === undefined ? {} : { quotaMaxMemoryMb: quota.maxMemoryMb }),
  };
}
