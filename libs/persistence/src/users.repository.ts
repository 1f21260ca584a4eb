import { Injectable } from '@nestjs/common';
import { CredentialChanges } from './credential-changes.js';
import { PrismaService } from './prisma.service.js';
import { type UserRecord } from './records.js';

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string | null;
  role: 'admin' | 'developer';
}

/** A user created by a first single sign-on: no password, linked to the IdP's (issuer, subject). */
export interface NewOidcUser extends Omit<NewUser, 'passwordHash'> {
  oidcIssuer: string;
  oidcSubject: string;
}

@Injectable()
export class UsersRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly changes: CredentialChanges,
  ) {}

  count(): Promise<number> {
    return this.prisma.user.count();
  }

  create(user: NewUser): Promise<UserRecord> {
    return this.prisma.user.create({ data: { ...user, email: user.email.toLowerCase() } });
  }

  /** Throws a unique violation when the email or the (issuer, subject) pair is already taken. */
  createFromOidc(user: NewOidcUser): Promise<UserRecord> {
    return this.prisma.user.create({ data: { ...user, email: user.email.toLowerCase(), passwordHash: null } });
  }

  findById(id: string): Promise<UserRecord | null> {
    return this.prisma.user.findUnique({ where: { id } });
  }

  findByEmail(email: string): Promise<UserRecord | null> {
    return this.prisma.user.findUnique({ where: { email: email.toLowerCase() } });
  }

  /** Single sign-on accounts are found by the IdP's stable id only, never by email. */
  findByOidc(issuer: string, subject: string): Promise<UserRecord | null> {
    return this.prisma.user.findUnique({
      where: { oidcIssuer_oidcSubject: { oidcIssuer: issuer, oidcSubject: subject } },
    });
  }

  /** E-mail per user id, in one query however many ids (views of many owners' rows). */
  async emailsByIds(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } });
    return new Map(rows.map((r) => [r.id, r.email]));
  }

  list(): Promise<UserRecord[]> {
    return this.prisma.user.findMany({ orderBy: { createdAt: 'asc' } });
  }

  /** Quota fields: a number sets the override, null clears it (the BERTH_QUOTA_* default applies again). */
  async update(
    id: string,
    data: Partial<
      Pick<
        UserRecord,
        | 'role'
        | 'active'
        | 'name'
        | 'sshStartsStopped'
        | 'quotaMaxWorkspaces'
        | 'quotaMaxRunning'
        | 'quotaMaxCpus'
        | 'quotaMaxMemoryMb'
      >
    >,
  ): Promise<UserRecord> {
    const updated = await this.prisma.user.update({ where: { id }, data });
    this.changes.notify({ userId: id });
    return updated;
  }

  /**
   * The same update, refused (null, nothing written) when it would leave no active admin. One
   * advisory lock serialises these, so two admins demoting each other cannot both succeed.
   */
  async updateKeepingAnAdmin(id: string, data: Parameters<UsersRepository['update']>[1]): Promise<UserRecord | null> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('berth:last-admin'))`;
        const updated = await tx.user.update({ where: { id }, data });
        if ((await tx.user.count({ where: { role: 'admin', active: true } })) === 0) throw new LastAdminRollback();
        return updated;
      });
    } catch (error) {
      if (error instanceof LastAdminRollback) return null;
      throw error;
    } finally {
      // After the commit (or rollback): a cached verdict is dropped either way, which is safe.
      this.changes.notify({ userId: id });
    }
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.prisma.user.update({ where: { id }, data: { passwordHash } });
  }
}

class LastAdminRollback extends Error {}
