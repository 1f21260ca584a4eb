import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * `DELETE /workspaces/:id?purge=true&confirm=<name>` and `DELETE /trash/:workspaceId?confirm=<name>`:
 * deleting for good needs the workspace's name typed again, unless an admin asks.
 */
export class PurgeQueryDto {
  @ApiPropertyOptional({ description: 'delete the home volume at once instead of moving it to the trash' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  purge?: boolean;

  @ApiPropertyOptional({ description: "the workspace's name, typed again (required of non-admins to purge)" })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  confirm?: string;
}

/** One deleted workspace whose home volume is still kept. */
export interface TrashItemView {
  workspaceId: string;
  name: string;
  ownerId: string;
  templateId: string;
  templateVersion: number;
  deletedAt: string;
  /** When the volume is purged unless restored first. */
  expiresAt: string;
  /** A purge was asked for; the worker removes the volume within a pass. */
  purging: boolean;
  /** Last measured size of the home volume (null: never measured). */
  homeUsageBytes: number | null;
}

export interface TrashListView {
  items: TrashItemView[];
  /** The trash shows at most 500 items, newest first; there is no further page. */
  nextCursor: string | null;
  /** BERTH_TRASH_DAYS: how long a deleted workspace's home volume is kept (the delete dialog says so). */
  trashDays: number;
}
