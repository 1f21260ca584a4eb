import { type Socket } from 'node:net';
import { type Duplex } from 'node:stream';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import ssh2 from 'ssh2';
import { authorizeDoor, CredentialAuthenticator, DOORS, workspaceOwnerScope, type AuthenticatedUser } from '#auth';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { sshFingerprint } from '#domain';
import { SshKeysRepository, UsersRepository, WorkspacesRepository, type WorkspaceRecord } from '#persistence';
import { AuditService } from '../audit/audit.service.js';
import { SshConnection } from './ssh-connection.js';
import { SshWorkspaces } from './ssh-workspaces.js';
import { loadOrCreateHostKey } from './ssh-host-key.js';

/** What public-key authentication settled: who, through which key, into which workspace. */
export interface SshIdentity {
  user: AuthenticatedUser;
  keyId: string;
  fingerprint: string;
  workspace: WorkspaceRecord;
  /** An admin reaching another user's workspace (`<workspace>.<owner email>@host`). */
  asAdmin: boolean;
}

/**
 * The built-in SSH gateway: `ssh -p BERTH_SSH_PORT <workspace>@host` with the user's registered
 * key lands in their workspace. Every refusal (unknown key, deactivated user, no such workspace,
 * someone else's) is the same "Permission denied (publickey)" outside and an audit row inside.
 * The WebSocket door (`/workspaces/:id/ssh`) hands its streams to the same server.
 */
@Injectable()
export class SshGatewayService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SshGatewayService.name);
  private server: ssh2.Server | null = null;
  private readonly open = new Set<ssh2.Connection>();

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly keys: SshKeysRepository,
    private readonly credentials: CredentialAuthenticator,
    private readonly users: UsersRepository,
    private readonly workspaces: WorkspacesRepository,
    private readonly audit: AuditService,
    private readonly sessions: SshWorkspaces,
  ) {}

  onApplicationBootstrap(): Promise<void> {
    this.server = new ssh2.Server({ hostKeys: [loadOrCreateHostKey(this.config.BERTH_DATA_DIR)] }, (client, info) =>
      this.accept(client, info.ip, null),
    );
    this.server.on('error', (error: Error) => this.logger.error(`SSH gateway: ${error.message}`));
    if (this.config.BERTH_SSH_PORT === 0) return Promise.resolve();
    const server = this.server;
    return new Promise((resolve) => {
      // A taken port must not take the HTTP API down with it: it is logged and the door stays shut.
      const failed = (error: Error): void => {
        this.logger.error(
          `SSH gateway cannot listen on ${this.config.BERTH_SSH_HOST}:${this.config.BERTH_SSH_PORT}: ${error.message}`,
        );
        resolve();
      };
      server.once('error', failed);
      server.listen(this.config.BERTH_SSH_PORT, this.config.BERTH_SSH_HOST, () => {
        server.off('error', failed);
        this.logger.log(`SSH gateway listening on ${this.config.BERTH_SSH_HOST}:${this.config.BERTH_SSH_PORT}`);
        resolve();
      });
    });
  }

  async onModuleDestroy(): Promise<void> {
    for (const c of this.open) c.end();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /**
   * An SSH stream that arrived another way (the API's WebSocket). `expected` pins the workspace
   * and the user the HTTP door already authenticated: the key must still be that user's own.
   */
  injectStream(stream: Duplex, ip: string, expected: { userId: string; workspaceId: string }): void {
    const server = this.server;
    if (!server) {
      stream.destroy();
      return;
    }
    // ssh2 takes any Duplex; it only needs the socket-ish methods it calls on TCP sockets.
    const socketish = Object.assign(stream, {
      remoteAddress: ip,
      setNoDelay: () => socketish,
      setKeepAlive: () => socketish,
    });
    this.pending.set(socketish, expected);
    server.injectSocket(socketish as unknown as Socket);
  }

  private readonly pending = new WeakMap<object, { userId: string; workspaceId: string }>();

  private accept(client: ssh2.Connection, ip: string, _unused: null): void {
    this.open.add(client);
    const socket = (client as unknown as { _sock?: { setKeepAlive?: (on: boolean, delayMs: number) => void } })._sock;
    // A closed laptop never says goodbye: TCP keepalive ends its connection, and so its activity.
    socket?.setKeepAlive?.(true, 15_000);
    const expected = socket ? this.pending.get(socket) : undefined;
    let identity: SshIdentity | null = null;
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey') return ctx.reject(['publickey']);
      void this.authenticate(ctx, ip, expected).then(
        (found) => {
          if (!found) return ctx.reject(['publickey']);
          if (found === 'query-ok') return ctx.accept();
          identity = found;
          ctx.accept();
        },
        (error: unknown) => {
          this.logger.error(`SSH authentication failed: ${error instanceof Error ? error.message : String(error)}`);
          ctx.reject(['publickey']);
        },
      );
    });
    client.on('ready', () => {
      if (!identity) return client.end();
      new SshConnection(client, identity, this.sessions, this.logger).start();
    });
    client.on('error', (error: Error) => this.logger.debug(`SSH connection from ${ip}: ${error.message}`));
    client.on('close', () => this.open.delete(client));
  }

  /**
   * Returns the identity when the signature is good and the workspace is theirs (or they are an
   * admin); 'query-ok' for a signature-less probe of a known key; null for every refusal.
   */
  private async authenticate(
    ctx: ssh2.PublicKeyAuthContext,
    ip: string,
    expected: { userId: string; workspaceId: string } | undefined,
  ): Promise<SshIdentity | 'query-ok' | null> {
    const fingerprint = sshFingerprint(ctx.key.data);
    const refuse = (reason: string, actor: AuthenticatedUser | null, targetId?: string): null => {
      void this.audit.record({
        actor,
        via: 'ssh',
        action: 'ssh.connect',
        targetType: 'workspace',
        targetId,
        ip,
        outcome: 'failure',
        details: { reason, username: ctx.username.slice(0, 200), fingerprint },
      });
      return null;
    };
    // The key's fingerprint is the credential (the signature is verified below, with the key).
    const holder = await this.credentials.keyHolder(fingerprint);
    if (!holder) return refuse('unknown key', null);
    const { key, user } = holder;
    if (!holder.active) return refuse('deactivated user', user);
    try {
      authorizeDoor(DOORS['SSH <workspace>@gateway'], user);
    } catch {
      return refuse('door refused', user);
    }
    if (!ctx.signature || !ctx.blob) return 'query-ok';
    const parsed = ssh2.utils.parseKey(key.publicKey);
    if (parsed instanceof Error || !parsed.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) {
      return refuse('bad signature', user);
    }
    // `<workspace>` or `<workspace>.<owner email>`: workspace names are DNS labels, so the first dot splits.
    const dot = ctx.username.indexOf('.');
    const name = dot < 0 ? ctx.username : ctx.username.slice(0, dot);
    const ownerEmail = dot < 0 ? null : ctx.username.slice(dot + 1);
    let ownerId = user.id;
    if (ownerEmail !== null && ownerEmail.toLowerCase() !== user.email.toLowerCase()) {
      // Another owner's workspace: the admin-or-owner rule (libs/auth) lets only admins through.
      if (workspaceOwnerScope(user) !== null) return refuse('not an admin', user);
      const owner = await this.users.findByEmail(ownerEmail);
      if (!owner) return refuse('no such owner', user);
      ownerId = owner.id;
    }
    const workspace = await this.workspaces.findLiveByOwnerAndName(ownerId, name);
    if (!workspace) return refuse('no such workspace', user);
    if (expected && (expected.userId !== user.id || expected.workspaceId !== workspace.id)) {
      return refuse('key does not match the WebSocket session', user, workspace.id);
    }
    void this.keys.touch(key.id).catch(() => undefined);
    const asAdmin = ownerId !== user.id;
    void this.audit.record({
      actor: user,
      via: 'ssh',
      action: asAdmin ? 'ssh.connectAsAdmin' : 'ssh.connect',
      targetType: 'workspace',
      targetId: workspace.id,
      ip,
      outcome: 'success',
      details: { fingerprint, ...(asAdmin ? { ownerId } : {}) },
    });
    return { user, keyId: key.id, fingerprint, workspace, asAdmin };
  }
}
