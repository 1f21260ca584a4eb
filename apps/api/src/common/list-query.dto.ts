import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PAGE_LIMIT_MAX } from '#domain';

/**
 * `limit` and `cursor` on a list. Without either, the list answers a plain array as it always
 * did (the portal and older scripts read that); with either, `{items, nextCursor}`.
 */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: PAGE_LIMIT_MAX, description: 'page size; answers {items, nextCursor}' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PAGE_LIMIT_MAX)
  limit?: number;

  @ApiPropertyOptional({ description: 'the nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export const wantsPage = (q: PageQueryDto): boolean => q.limit !== undefined || q.cursor !== undefined;
export const DEFAULT_PAGE_LIMIT = 50;
