import { Inject, Injectable } from '@nestjs/common';
import { type AuthenticatedUser } from '#auth';
import { conflict, namePublishedPorts, notFound, parseTemplateSpec, type WorkspaceStatus } from '#domain';
import { BuildsRepository, TemplatesRepository, WorkspacesRepository } from '#persistence';
import { RUNTIME_DRIVER, type RuntimeDriver } from '#runtime';
import { type WorkspaceView } from './workspaces.dto.js';
import { toWorkspaceView } from './workspace.views.js';
import { PortUrls } from './port-urls.service.js';

const RECOVERABLE = new Set<WorkspaceStatus>(['failed', 'starting', 'stopping', 'pending']);

/**
 * "Recover": repairs a failed (or stuck) workspace from what the engine actually has, without
 * touching its volume: a running container → running (ports read back), anything else → stopped.
 * Refused while a transition is in flight: that one will settle the state itself.
 */
@Injectable()
export class WorkspaceRecoveryService {
  constructor(
    private readonly workspaces: WorkspacesRepository,
    private readonly builds: BuildsRepository,
    private readonly templates: TemplatesRepository,
    @Inject(RUNTIME_DRIVER) private readonly runtime: RuntimeDriver,
    private readonly portUrls: PortUrls,
  ) {}

  async recover(user: AuthenticatedUser, id: string): Promise<WorkspaceView> {
    const ws = await this.workspaces.findLive(id, user.role === 'admin' ? null : user.id);
    if (!ws) throw notFound('workspace');
    const active = await this.builds.findActive(ws.id);
    if (active)
      throw conflict(`a ${active.kind} is in progress; it will settle the state`, { activeBuildId: active.id });
    if (!RECOVERABLE.has(ws.status))
      throw conflict(`a ${ws.status} workspace needs no recovery`, { workspaceStatus: ws.status });

    const container = await this.runtime.findContainer(ws.id);
    // A person repairing it is using it: a dormancy (e.g. its retention delete was cancelled) ends,
    // as with any transition, so the full grace period runs again before any deletion.
    const dormancy = { dormantAt: null, deletesAt: null };
    if (container?.running) {
      const version = await this.templates.findVersion(ws.templateId, ws.templateVersion);
      const ports = namePublishedPorts(container.ports, version ? parseTemplateSpec(version.spec).ports : []);
      await this.workspaces.update(ws.id, {
        status: 'running',
        desiredState: 'running',
        lastError: null,
        ports,
        ...dormancy,
      });
    } else {
      // A stopped leftover container is disposable; removing it lets the next start begin clean.
      if (container) await this.runtime.removeContainer(ws.id);
      await this.workspaces.update(ws.id, {
        status: 'stopped',
        desiredState: 'stopped',
        lastError: null,
        ports: [],
        ...dormancy,
      });
    }
    const updated = await this.workspaces.findById(ws.id);
    if (!updated) throw notFound('workspace');
    return toWorkspaceView(
      updated,
      (await this.workspaces.activeVersions([updated.templateId])).get(updated.templateId),
      (await this.portUrls.for([updated]))(updated),
    );
  }
}
