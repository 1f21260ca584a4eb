import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { type Page, type PageCursor, PAGE_LIMIT_MAX, pageInMemory, pageOf } from '#domain';

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

/**
 * A small list kept whole in memory (templates, users, a user's tokens): the plain array as it
 * always was, or with `limit`/`cursor` a page in (createdAt, id) order.
 */
export function pageOrAll<R extends PageCursor, V>(rows: R[], q: PageQueryDto, view: (r: R) => V): V[] | Page<V> {
  if (!wantsPage(q)) return rows.map(view);
  const limit = q.limit ?? DEFAULT_PAGE_LIMIT;
  return pageOf(pageInMemory(rows, limit, q.cursor), limit, (page) => page.map(view));
}
