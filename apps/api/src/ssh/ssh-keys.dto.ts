import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsString, MaxLength, MinLength } from 'class-validator';

export class AddSshKeyDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(100) name!: string;
  @ApiProperty({ description: 'one OpenSSH public key line: ssh-ed25519, ecdsa-sha2-nistp*, or ssh-rsa of ≥3072 bits' })
  @IsString()
  @MinLength(1)
  @MaxLength(16_384)
  publicKey!: string;
}

export class SshSettingsDto {
  @ApiProperty({ description: 'true: the SSH gateway starts a stopped workspace on connect; false: it refuses' })
  @IsBoolean()
  startsStopped!: boolean;
}

export interface SshKeyView {
  id: string;
  name: string;
  type: string;
  fingerprint: string;
  publicKey: string;
  lastUsedAt: string | null;
  createdAt: string;
}

export interface SshSettingsView {
  startsStopped: boolean;
  /** Where the gateway listens (null: turned off), so clients can show the `ssh -p` command. */
  gateway: { host: string; port: number } | null;
}
