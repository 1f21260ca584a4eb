import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { TOKEN_SCOPES, type TokenScope } from '#auth';

export class CreateTokenDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(100) name!: string;
  @ApiPropertyOptional({ description: 'days until the token stops working; omit for no expiry' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  expiresInDays?: number;

  @ApiPropertyOptional({ enum: TOKEN_SCOPES, isArray: true, default: ['all'], description: 'what the token may do' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(TOKEN_SCOPES.length)
  @IsIn(TOKEN_SCOPES, { each: true })
  scopes?: TokenScope[];
}

export interface TokenView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdById: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

/** Only the creation response carries the secret. */
export interface CreatedTokenView {
  id: string;
  name: string;
  token: string;
  scopes: string[];
  expiresAt: string | null;
}
