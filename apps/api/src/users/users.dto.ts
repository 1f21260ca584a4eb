import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

export class CreateUserDto {
  @ApiProperty() @IsEmail() @MaxLength(254) email!: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(100) name!: string;
  @ApiPropertyOptional({ description: 'omit for accounts that will only use tokens (or SSO later)' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  password?: string;
  @ApiProperty({ enum: ['admin', 'developer'] }) @IsIn(['admin', 'developer']) role!: 'admin' | 'developer';
}

/** `PUT /users/by-email/:email`: what the account should be; absent fields keep their value (or a default). */
export class PutUserDto {
  @ApiPropertyOptional({ description: "defaults to the email's local part when the account is created" })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;
  @ApiPropertyOptional({ enum: ['admin', 'developer'], description: 'defaults to developer when created' })
  @IsOptional()
  @IsIn(['admin', 'developer'])
  role?: 'admin' | 'developer';
  @ApiPropertyOptional({ description: 'used only when the account is created (change it with a password reset)' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  password?: string;
}

/** Per-user quota overrides: a number sets one, null clears it (the BERTH_QUOTA_* default applies), absent leaves it. */
export class QuotaOverridesDto {
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'snapshot storage (compressed MiB)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  maxSnapshotMb?: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'live workspaces' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  maxWorkspaces?: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'workspaces running or starting' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  maxRunning?: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'total CPUs of running workspaces' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 3 })
  @Min(0)
  @Max(100_000)
  maxCpus?: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'total memory (MB) of running workspaces' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  maxMemoryMb?: number | null;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: ['admin', 'developer'] }) @IsOptional() @IsIn(['admin', 'developer']) role?:
    'admin' | 'developer';
  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(100) name?: string;
  @ApiPropertyOptional({ type: QuotaOverridesDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => QuotaOverridesDto)
  quota?: QuotaOverridesDto;
}

export class ChangePasswordDto {
  @ApiProperty() @IsString() @MaxLength(1024) currentPassword!: string;
  @ApiProperty() @IsString() @MaxLength(1024) newPassword!: string;
}
