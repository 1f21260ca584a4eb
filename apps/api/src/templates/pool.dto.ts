import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { MAX_POOL_SIZE } from '#domain';

/** `PUT /templates/:id/versions/:n/pool`: how many warm slots to keep while version n is promoted. */
export class SetPoolSizeDto {
  @ApiProperty({
    minimum: 0,
    maximum: MAX_POOL_SIZE,
    description: 'warm pool slots (started containers with fresh volumes) for this version; 0: none',
  })
  @IsInt()
  @Min(0)
  @Max(MAX_POOL_SIZE)
  size!: number;
}
