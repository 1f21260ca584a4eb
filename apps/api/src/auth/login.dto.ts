import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
  @ApiProperty() @IsEmail() email!: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(256) password!: string;
}

export class RedeemPasswordResetDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(256) code!: string;
  @ApiProperty() @IsString() @MaxLength(1024) password!: string;
}
