import { arch } from 'node:process';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type AuthenticatedUser } from '#auth';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import {
  BerthError,
  EDITOR_DIR,
  EDITOR_PORT,
  ErrorCode,
  GLIBC_LOADER,
  editorLaunchCommand,
  editorLogPath,
} from '#domain';
import { editorInstallDir, RUNTIME_DRIVER, type RuntimeDriver } from '#runtime';
import { AppPortsService } from './app-ports.service.js';
import { type WorkspaceTarget, WorkspaceAccessService } from '../access/workspace-access.service.js';
import { WorkspacePortAgents } from './workspace-port.agent.js';

/** Whether "Open in VS Code" applies to a workspace, and if not, why (shown instead of the button). */
export interface EditorStatusView {
  available: boolean;
  reason: string | null;
}

/** code-server answers its health check within a few seconds of being started; allow a slow machine. */
const START_TIMEOUT_MS = 90_000;
const POLL_MS = 300;

/**
 * VS Code in the browser: decides whether a workspace can run the machine's code-server build,
 * starts it inside the workspace on demand (as the template's user, on the workspace's loopback),
 * and hands out the one-time ticket to its app origin, where the port origin's access rule applies.
 */
@Injectable()
export class EditorService {
  private readonly logger = new Logger(EditorService.name);
  /** One start at a time per workspace: a double click waits for the first. */
  private readonly starting = new Map<string, Promise<void>>();

  constructor(
    private readonly access: WorkspaceAccessService,
    private readonly ports: AppPortsService,
    private readonly agents: WorkspacePortAgents,
    @Inject(RUNTIME_DRIVER) private readonly runtime: RuntimeDriver,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  async status(user: AuthenticatedUser, workspaceId: string): Promise<EditorStatusView> {
    let target: WorkspaceTarget;
    try {
      target = await this.access.runningTarget(user, workspaceId);
    } catch (error) {
      if (error instanceof BerthError && error.code === ErrorCode.Conflict)
        return { available: false, reason: `${error.message}: start it to open VS Code` };
      throw error;
    }
    const reason = await this.unavailableReason(target);
    return { available: reason === null, reason };
  }

  /** Starts the editor if it is not answering yet; answers the ticket URL that opens it. */
  async open(user: AuthenticatedUser, workspaceId: string): Promise<{ url: string }> {
    const target = await this.access.runningTarget(user, workspaceId);
    const reason = await this.unavailableReason(target);
    if (reason) throw new BerthError(ErrorCode.Conflict, reason);
    this.access.recordActivity(workspaceId);
    if (!(await this.answering(target))) {
      let start = this.starting.get(workspaceId);
      if (!start) {
        start = this.start(target).finally(() => this.starting.delete(workspaceId));
        this.starting.set(workspaceId, start);
      }
      await start;
    }
    const folder = encodeURIComponent(target.homePath);
    return { url: await this.ports.ticketUrl(user, workspaceId, EDITOR_PORT, `/?folder=${folder}`) };
  }

  private async unavailableReason(target: WorkspaceTarget): Promise<string | null> {
    if (!editorInstallDir(this.config))
      return 'VS Code in the browser is not installed on this server (scripts/code-server.sh builds it; npm run up runs it)';
    const loader = GLIBC_LOADER[arch];
    if (!loader) return `VS Code in the browser has no build for this server's architecture (${arch})`;
    if (!(await this.runtime.hasProgram(target.workspaceId, loader)))
      return (
        "this workspace's image has no glibc (busybox, Alpine and other musl or static images cannot run " +
        'VS Code in the browser): use a glibc image such as Debian or Ubuntu, or connect over SSH'
      );
    if (target.ports.some((p) => p.port === EDITOR_PORT))
      return `the template publishes port ${EDITOR_PORT}, which VS Code in the browser uses`;
    if (!(await this.runtime.hasProgram(target.workspaceId, `${EDITOR_DIR}/bin/node`)))
      return 'this workspace started before VS Code in the browser was installed on this server: restart it to get the editor';
    return null;
  }

  private async start(target: WorkspaceTarget): Promise<void> {
    this.agents.forget(target.workspaceId);
    const output: string[] = [];
    const code = await this.runtime.exec(
      target.workspaceId,
      { cmd: editorLaunchCommand(target.homePath), user: target.user, workdir: '/', timeoutMs: 30_000 },
      (_stream, lines) => output.push(...lines),
    );
    if (code !== 0)
      throw new BerthError(ErrorCode.RuntimeFailure, `VS Code could not be started: ${output.slice(-3).join(' ')}`);
    this.logger.log(`started VS Code in workspace ${target.workspaceId}`);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (await this.answering(target)) return;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    throw new BerthError(
      ErrorCode.RuntimeFailure,
      `VS Code did not answer within ${START_TIMEOUT_MS / 1000} s: ${await this.logTail(target)}`,
    );
  }

  /** True when something on the editor port answers HTTP (code-server's /healthz). */
  private async answering(target: WorkspaceTarget): Promise<boolean> {
    const socket = await this.runtime.connectToPort(target.workspaceId, EDITOR_PORT, { reach: 'loopback' });
    return new Promise<boolean>((resolve) => {
      let head = '';
      const done = (ok: boolean): void => {
        socket.destroy();
        resolve(ok);
      };
      socket.on('data', (chunk: Buffer) => {
        head += chunk.toString('latin1');
        if (head.length >= 8) done(head.startsWith('HTTP/1.'));
      });
      socket.on('end', () => done(head.startsWith('HTTP/1.')));
      socket.on('error', () => done(false));
      socket.end('GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n');
    });
  }

  private async logTail(target: WorkspaceTarget): Promise<string> {
    const lines: string[] = [];
    await this.runtime
      .exec(
        target.workspaceId,
        {
          cmd: ['/.berth/busybox', 'tail', '-n', '3', editorLogPath(target.homePath)],
          user: target.user,
          workdir: '/',
          timeoutMs: 10_000,
        },
        (stream, out) => {
          if (stream === 'stdout') lines.push(...out);
        },
      )
      .catch(() => undefined);
    return lines.join(' ') || 'no log';
  }
}
