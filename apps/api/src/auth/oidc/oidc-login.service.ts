import { Injectable } from '@nestjs/common';
import {
  checkIdentity,
  OidcAuthenticator,
  roleFromGroups,
  toAuthenticatedUser,
  type AuthenticatedUser,
  type OidcCallbackResult,
  type OidcIdentity,
} from '#auth';
import { BerthError, ErrorCode } from '#domain';
import { isUniqueViolation, UsersRepository, type UserRecord } from '#persistence';
import { AuditService } from '../../audit/audit.service.js';
import { loginFailures } from '#metrics';

const ACTION = 'auth.oidc.login';

/** Every reason a single sign-on can be refused; each one is the `reason` of its audit row and problem. */
export type OidcRefusal =
  | Extract<OidcCallbackResult, { ok: false }>['reason']
  | 'email_missing'
  | 'email_not_verified'
  | 'domain_not_allowed'
  | 'email_in_use'
  | 'deactivated';

/**
 * Decides who a verified IdP identity is in Berth. Accounts are linked by (issuer, subject) and
 * NEVER by email alone: an email match with an unlinked account is refused, because taking it
 * over on the IdP's word is exactly how Coder let one person into another's account. An admin can
 * still give that person access another way; Berth does not guess.
 */
@Injectable()
export class OidcLoginService {
  constructor(
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly oidc: OidcAuthenticator,
  ) {}

  async signIn(result: OidcCallbackResult, ip: string | null): Promise<AuthenticatedUser> {
    if (!result.ok) {
      // Nobody was identified: 401, and the library's own words go to the audit trail only.
      throw await this.refuse(ErrorCode.Unauthenticated, result.reason, result.detail, ip, null, {
        error: result.error.slice(0, 300),
      });
    }
    const { identity } = result;
    const settings = this.oidc.settings;
    const decision = checkIdentity(identity, settings.enabled ? settings.allowedDomains : []);
    if (!decision.allowed) throw await this.refuse(ErrorCode.Forbidden, decision.reason, decision.detail, ip, identity);

    const linked = await this.users.findByOidc(identity.issuer, identity.subject);
    if (linked) return this.admit(linked, identity, ip, false);

    const holder = await this.users.findByEmail(decision.email);
    if (holder) throw await this.emailInUse(holder, identity, ip);

    const role = roleFromGroups(identity.groups, settings.enabled ? settings.adminGroup : undefined);
    const name = (identity.name ?? decision.email.slice(0, decision.email.lastIndexOf('@'))).slice(0, 100);
    try {
      const created = await this.users.createFromOidc({
        email: decision.email,
        name,
        role,
        oidcIssuer: identity.issuer,
        oidcSubject: identity.subject,
      });
      return await this.admit(created, identity, ip, true);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Lost a race: the same person's first login in two tabs, or someone took the email meanwhile.
      const winner = await this.users.findByOidc(identity.issuer, identity.subject);
      if (winner) return this.admit(winner, identity, ip, false);
      const taken = await this.users.findByEmail(decision.email);
      if (taken) throw await this.emailInUse(taken, identity, ip);
      throw error;
    }
  }

  private async admit(
    user: UserRecord,
    identity: OidcIdentity,
    ip: string | null,
    created: boolean,
  ): Promise<AuthenticatedUser> {
    if (!user.active) {
      throw await this.refuse(
        ErrorCode.Forbidden,
        'deactivated',
        'this Berth account has been deactivated; ask an administrator',
        ip,
        identity,
        {},
        user.id,
      );
    }
    // Later logins keep the role an admin may have changed in Berth; the groups claim only seeds it.
    const authenticated = toAuthenticatedUser(user, 'session');
    await this.audit.record({
      actor: authenticated,
      via: 'oidc',
      action: ACTION,
      targetType: 'user',
      targetId: user.id,
      ip,
      outcome: 'success',
      details: { issuer: identity.issuer, subject: identity.subject, created, role: user.role },
    });
    return authenticated;
  }

  private emailInUse(holder: UserRecord, identity: OidcIdentity, ip: string | null): Promise<BerthError> {
    return this.refuse(
      ErrorCode.Forbidden,
      'email_in_use',
      `a Berth account with the email ${holder.email} already exists and is not linked to this identity-provider account; ` +
        'Berth never links accounts by email alone, so ask an administrator',
      ip,
      identity,
      {},
      holder.id,
    );
  }

  /** Audits the refusal (awaited, so the row exists before the answer) and returns the error to throw. */
  private async refuse(
    code: ErrorCode.Unauthenticated | ErrorCode.Forbidden,
    reason: OidcRefusal,
    detail: string,
    ip: string | null,
    identity: OidcIdentity | null,
    extra: Record<string, string> = {},
    targetUserId?: string,
  ): Promise<BerthError> {
    loginFailures.inc({ method: 'oidc' });
    await this.audit.record({
      actor: null,
      via: 'oidc',
      actorEmail: identity?.email?.slice(0, 254) ?? undefined,
      action: ACTION,
      targetType: targetUserId ? 'user' : 'auth',
      targetId: targetUserId,
      ip,
      outcome: 'failure',
      details: { reason, ...(identity ? { issuer: identity.issuer, subject: identity.subject } : {}), ...extra },
    });
    return new BerthError(code, detail, { reason });
  }
}
