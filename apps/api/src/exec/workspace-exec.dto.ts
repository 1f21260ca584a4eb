import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class ExecRequestDto {
  @ApiProperty({
    example: ['git', 'clone', 'https://example.com/repo.git'],
    description: 'argv, run as the template user in its home (no shell unless you ask for one)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @MaxLength(8192, { each: true })
  command!: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: 600, default: 60 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(600)
  timeoutSeconds?: number;
}

export interface ExecResultView {
  exitCode: number;
  /**
   * Output as lines (each ending with a newline), at most BERTH_STREAM_OUTPUT_LIMIT_BYTES (1 MiB)
   * per stream; longer lines are split and marked.
   */
  stdout: string;
  stderr: string;
  /** True when output beyond the limit was dropped (the last line is the truncation marker). */
  truncated: boolean;
}
