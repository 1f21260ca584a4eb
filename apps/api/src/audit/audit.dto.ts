import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

export class AuditQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() actorId?: string;
  @ApiPropertyOptional({ description: 'exact action, or a prefix ending in * (e.g. workspace.*)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) targetId?: string;
  @ApiPropertyOptional({ enum: ['success', 'failure'] }) @IsOptional() @IsIn(['success', 'failure']) outcome?:
    'success' | 'failure';
  @ApiPropertyOptional() @IsOptional() @IsISO8601() since?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601() until?: string;
  @ApiPropertyOptional({ description: 'the nextBefore of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,18}$/)
  before?: string;
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}
