import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class CreateTemplateDto {
  @ApiProperty({ example: 'node-20' })
  @IsString() @Matches(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, { message: 'name must be a DNS label (a-z, 0-9, -)' })
  name!: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) description?: string;

  @ApiProperty({ description: 'template spec: image, user, homePath, env, ports, command, initScript, startScript, capAdd, resources' })
  @IsObject()
  spec!: Record<string, unknown>;
}

export interface TemplateVersionView {
  version: number;
  status: 'pending' | 'building' | 'ready' | 'failed';
  imageDigest: string | null;
  spec: unknown;
  createdAt: string;
}

export interface TemplateView {
  id: string;
  name: string;
  description: string;
  activeVersion: number;
  active: TemplateVersionView | null;
  createdAt: string;
  updatedAt: string;
}
