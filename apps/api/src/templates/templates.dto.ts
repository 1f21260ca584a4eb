import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

const TEMPLATE_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export class CreateTemplateDto {
  @ApiProperty({ example: 'node-20' })
  @IsString()
  @Matches(TEMPLATE_NAME, { message: 'name must be a DNS label (a-z, 0-9, -)' })
  name!: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) description?: string;

  @ApiProperty({
    description:
      'template spec: image or build, user, homePath, env, ports, command, initScript, startScript, capAdd, resources, parameters',
  })
  @IsObject()
  spec!: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'changelog message of version 1' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  message?: string;
}

export class CreateVersionDto {
  @ApiProperty() @IsObject() spec!: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'what changed, for the changelog' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  message?: string;
}

export class ValidateSpecDto {
  @ApiProperty() @IsObject() spec!: Record<string, unknown>;
}

export class ImportDevcontainerDto {
  @ApiProperty({ example: 'node-20' })
  @IsString()
  @Matches(TEMPLATE_NAME, { message: 'name must be a DNS label (a-z, 0-9, -)' })
  name!: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) description?: string;
  @ApiProperty({ description: 'the devcontainer.json text (JSON with comments)' })
  @IsString()
  @MaxLength(1_000_000)
  devcontainer!: string;
  @ApiPropertyOptional({
    description: 'build context files by path relative to devcontainer.json (e.g. the Dockerfile)',
  })
  @IsOptional()
  @IsObject()
  files?: Record<string, string>;
  @ApiPropertyOptional({ description: 'only report what would be created' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
  @ApiPropertyOptional({ description: 'map a root remoteUser (sets allowRoot: true); without it root is reported' })
  @IsOptional()
  @IsBoolean()
  allowRoot?: boolean;
}

export interface TemplateVersionView {
  version: number;
  status: 'pending' | 'building' | 'ready' | 'failed';
  imageDigest: string | null;
  /** What any host resolves to this image (repo@digest from a registry, else its tag). */
  imageRef: string | null;
  /** This engine's local image id (a cache). */
  imageId: string | null;
  message: string;
  buildError: string | null;
  buildStartedAt: string | null;
  buildFinishedAt: string | null;
  spec: unknown;
  /** Warm pool slots kept while this version is the promoted one (README "Warm pool"). */
  poolSize: number;
  createdAt: string;
  logs?: { at: string; stream: string; line: string }[];
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
