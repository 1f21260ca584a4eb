import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class CreateUserDto {
  @ApiProperty() @IsEmail() @MaxLength(254) email!: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(100) name!: string;
  @ApiPropertyOptional({ description: 'omit for accounts that will only use tokens (or SSO later)' })
  @IsOptional() @IsString() @MaxLength(256) password?: string;
  @ApiProperty({ enum: ['admin', 'developer'] }) @IsIn(['admin', 'developer']) role!: 'admin' | 'developer';
}

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: ['admin', 'developer'] }) @IsOptional() @IsIn(['admin', 'developer']) role?: 'admin' | 'developer';
  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(100) name?: string;
}
