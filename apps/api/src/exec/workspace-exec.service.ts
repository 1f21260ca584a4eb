import { Inject, Injectable } from '@nestjs/common';
import { type AuthenticatedUser } from '#auth';
import { RUNTIME_DRIVER, type RuntimeDriver } from '#runtime';
import { WorkspaceAccessService } from '../terminal/workspace-access.service.js';
import { type ExecRequestDto, type ExecResultView } from './workspace-exec.dto.js';

const OUTPUT_LIMIT_BYTES = 1024 * 1024;

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

  async run(user: AuthenticatedUser, workspaceId: string, req: ExecRequestDto): Promise<ExecResultView> {
    const target = await this.access.runningTarget(user, workspaceId);
    this.access.recordActivity(workspaceId);
    const output = { stdout: new Collector(), stderr: new Collector() };
    const exitCode = await this.runtime.exec(
      workspaceId,
      { cmd: req.command, user: target.user, workdir: target.homePath, timeoutMs: (req.timeoutSeconds ?? 60) * 1000 },
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

class Collector {
  private readonly lines: string[] = [];
  private bytes = 0;
  truncated = false;

  add(lines: string[]): void {
    for (const line of lines) {
      const size = Buffer.byteLength(line) + 1;
      if (this.bytes + size > OUTPUT_LIMIT_BYTES) {
        this.truncated = true;
        return;
      }
      this.bytes += size;
      this.lines.push(line);
    }
  }

  text(): string {
    return this.lines.map((l) => `${l}\n`).join('');
  }
}
