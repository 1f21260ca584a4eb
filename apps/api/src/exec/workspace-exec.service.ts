import { Inject, Injectable } from '@nestjs/common';
import { type AuthenticatedUser } from '#auth';
import { RUNTIME_DRIVER, isTruncationMarker, type RuntimeDriver } from '#runtime';
import { WorkspaceAccessService } from '../access/workspace-access.service.js';
import { type ExecRequestDto, type ExecResultView } from './workspace-exec.dto.js';

/**
 * Runs one command in a running workspace for a script (the REST counterpart of the terminal):
 * as the template user, in its home, with a time limit, output collected up to a limit. It counts
 * as use of the workspace, like terminal input and proxied traffic (idle stop waits for it).
 */
@Injectable()
export class WorkspaceExecService {
  constructor(
    private readonly access: WorkspaceAccessService,
    @Inject(RUNTIME_DRIVER) private readonly runtime: RuntimeDriver,
  ) {}

  async run(
    user: AuthenticatedUser,
    workspaceId: string,
    req: ExecRequestDto,
    clientGone?: AbortSignal,
  ): Promise<ExecResultView> {
    const target = await this.access.runningTarget(user, workspaceId);
    this.access.recordActivity(workspaceId);
    const output = { stdout: new Collector(), stderr: new Collector() };
    const exitCode = await this.runtime.exec(
      workspaceId,
      {
        cmd: req.command,
        user: target.user,
        workdir: target.homePath,
        timeoutMs: (req.timeoutSeconds ?? 60) * 1000,
        signal: clientGone,
      },
      (stream, lines) => {
        if (stream !== 'system') output[stream].add(lines);
      },
    );
    // A long command was use all along: mark the end too.
    this.access.recordActivity(workspaceId);
    return {
      exitCode,
      stdout: output.stdout.text(),
      stderr: output.stderr.text(),
      truncated: output.stdout.truncated || output.stderr.truncated,
    };
  }
}

/** The driver's bounded reader caps what arrives (BERTH_STREAM_OUTPUT_LIMIT_BYTES) and marks a cut. */
class Collector {
  private readonly lines: string[] = [];
  truncated = false;

  add(lines: string[]): void {
    for (const line of lines) {
      if (isTruncationMarker(line)) this.truncated = true;
      this.lines.push(line);
    }
  }

  text(): string {
    return this.lines.map((l) => `${l}\n`).join('');
  }
}
