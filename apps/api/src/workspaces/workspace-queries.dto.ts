import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { WORKSPACE_STATUSES, type WorkspaceStatus } from '#domain';
import { PageQueryDto } from '../common/list-query.dto.js';

/** The longest a `waitFor` request is held open, in seconds. */
export const WAIT_TIMEOUT_MAX_S = 300;
export const WAIT_TIMEOUT_DEFAULT_S = 30;

export class ListWorkspacesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: WORKSPACE_STATUSES })
  @IsOptional()
  @IsIn(WORKSPACE_STATUSES)
  status?: WorkspaceStatus;

  @ApiPropertyOptional() @IsOptional() @IsUUID() templateId?: string;

  @ApiPropertyOptional({ description: "the owner's user id or email (admins), or `me`" })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  owner?: string;
}

export class WaitForQueryDto {
  @ApiPropertyOptional({
    enum: WORKSPACE_STATUSES,
    description: 'answer once the workspace has this status, or failed, or at the timeout',
  })
  @IsOptional()
  @IsIn(WORKSPACE_STATUSES)
  waitFor?: WorkspaceStatus;

  @ApiPropertyOptional({ minimum: 0, maximum: WAIT_TIMEOUT_MAX_S, default: WAIT_TIMEOUT_DEFAULT_S })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(WAIT_TIMEOUT_MAX_S)
  timeout?: number;
}
