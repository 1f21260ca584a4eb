import { Injectable } from '@nestjs/common';
import { applyParameters, diffSpecs, parseTemplateSpec, type SpecChanges } from '#domain';
import { TemplatesRepository, WorkspacesRepository, type TemplateVersionRecord } from '#persistence';
import { TemplateVersionsService } from './template-versions.service.js';

export interface WorkspaceImpact {
  workspaceId: string;
  name: string;
  ownerId: string;
  status: string;
  fromVersion: number;
  changes: SpecChanges;
}

/**
 * Rollout dry-run: for every live workspace on an older version of the template, what moving it
 * to version `n` would do, computed from the effective specs (each with its own parameters).
 */
@Injectable()
export class TemplateRolloutService {
  constructor(
    private readonly versions: TemplateVersionsService,
    private readonly templates: TemplatesRepository,
    private readonly workspaces: WorkspacesRepository,
  ) {}

  async impact(
    templateId: string,
    version: number,
  ): Promise<{ templateId: string; version: number; workspaces: WorkspaceImpact[] }> {
    const target = await this.versions.find(templateId, version);
    const older = (await this.workspaces.listLiveForTemplate(templateId)).filter((w) => w.templateVersion < version);
    const sources = new Map<number, TemplateVersionRecord | null>();
    const impacts: WorkspaceImpact[] = [];
    for (const ws of older) {
      if (!sources.has(ws.templateVersion))
        sources.set(ws.templateVersion, await this.templates.findVersion(templateId, ws.templateVersion));
      const source = sources.get(ws.templateVersion);
      if (!source) continue;
      const parameters = ws.parameters;
      const from = applyParameters(parseTemplateSpec(source.spec), parameters);
      const to = applyParameters(parseTemplateSpec(target.spec), parameters);
      impacts.push({
        workspaceId: ws.id,
        name: ws.name,
        ownerId: ws.ownerId,
        status: ws.status,
        fromVersion: ws.templateVersion,
        changes: diffSpecs(from, to, { from: source.imageId, to: target.imageId }),
      });
    }
    return { templateId, version, workspaces: impacts };
  }
}
