import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

export class CreateTokenDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(100) name!: string;
  @ApiPropertyOptional({ description: 'days until the token stops working; omit for no expiry' })
  @IsOptional() @IsInt() @Min(1) @Max(3650) expiresInDays?: number;
}

export interface TokenView {
  id: string;
  name: string;
  prefix: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

/** Only the creation response carries the secret. */
export interface CreatedTokenView {
  id: string;
  name: string;
  token: string;
  expiresAt: string | null;
}
