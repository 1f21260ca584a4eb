import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { WORKSPACE_NAME_PATTERN } from '#domain';

export class CreateWorkspaceDto {
  @ApiProperty({ example: 'api-dev', description: 'a DNS label, unique among your workspaces' })
  @IsString()
  @Matches(WORKSPACE_NAME_PATTERN, { message: 'name must be a DNS label: a-z, 0-9 and -, at most 63 characters' })
  name!: string;

  @ApiProperty() @IsUUID() templateId!: string;

  @ApiPropertyOptional({ description: 'values for the parameters the template declares' })
  @IsOptional()
  @IsObject()
  parameters?: Record<string, unknown>;

  @ApiPropertyOptional({ description: "a clone: the new workspace's home starts as this (ready) snapshot of yours" })
  @IsOptional()
  @IsUUID()
  fromSnapshot?: string;
}

export class TransferWorkspaceDto {
  @ApiProperty({ description: 'the user who owns the workspace from now on' })
  @IsUUID()
  ownerId!: string;
}

export class RebuildOptionsDto {
  @ApiPropertyOptional({ description: "run the template's initScript again (it normally runs once per workspace)" })
  @IsOptional()
  @IsBoolean()
  reinitialize?: boolean;
}

export interface WorkspaceView {
  id: string;
  name: string;
  ownerId: string;
  templateId: string;
  templateVersion: number;
  /** A newer template version has been promoted: `POST /workspaces/:id/update` moves to it. */
  outdated: boolean;
  parameters: Record<string, unknown>;
  status: string;
  lastError: string | null;
  /** Forwarded ports: `url` is the port's own origin; `share` who may open it. */
  ports: {
    port: number;
    name: string;
    hostPort: number;
    url: string;
    share: 'owner' | 'authenticated' | 'public';
  }[];
  /** Last terminal or proxied-port use (minute precision). */
  lastActivityAt: string | null;
  /** Why Berth stopped it by itself (idle timeout), until the next transition. */
  stopReason: string | null;
  /**
   * Retention: when it became dormant (stopped and unused past its template's threshold), and
   * when it will be deleted unless started (null: never). Any start or rebuild clears both.
   */
  dormantAt: string | null;
  deletesAt: string | null;
  /**
   * Home volume usage (measured by the worker every BERTH_HOME_USAGE_INTERVAL_MS and at each
   * start; null until first measured) and where it stands against the template's `homeLimits`:
   * `soft` warns, `hard` means the workspace cannot start until it is under again.
   */
  home: { usageBytes: number | null; measuredAt: string | null; limitState: 'ok' | 'soft' | 'hard' | null };
  createdAt: string;
  updatedAt: string;
}

export interface BuildView {
  id: string;
  workspaceId: string;
  kind: string;
  status: string;
  templateVersion: number;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  stages: Record<string, number>;
  /** Why Berth itself asked for it (idle stop, retention delete); null when a person did. */
  reason: string | null;
  error: string | null;
  errorCode: string | null;
  logs?: { at: string; stream: string; line: string }[];
}
