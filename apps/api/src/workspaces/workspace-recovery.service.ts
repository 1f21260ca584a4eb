import { Inject, Injectable } from '@nestjs/common';
import { WorkspaceAccessRule, type AuthenticatedUser } from '#auth';
import { conflict, namePublishedPorts, notFound, parseTemplateSpec, type WorkspaceStatus } from '#domain';
import { BuildsRepository, TemplatesRepository, WorkspacesRepository } from '#persistence';
import { TransitionBuilder, type TransitionOrder } from '#queue';
import { RUNTIME_DRIVER, type RuntimeDriver } from '#runtime';
import { type WorkspaceView } from './workspaces.dto.js';
import { toWorkspaceView } from './workspace.views.js';
import { PortUrls } from './port-urls.service.js';

const RECOVERABLE: readonly WorkspaceStatus[] = ['failed', 'starting', 'stopping', 'pending'];

/**
 * "Recover": repairs a failed (or stuck) workspace from what the engine actually has, without
 * touching its volume: a running container → running (ports read back), anything else → stopped.
 * Like every transition it is a Build row made by the TransitionBuilder, finished at once.
 * Refused while a transition is in flight: that one will settle the state itself.
 */
@Injectable()
export class WorkspaceRecoveryService {
  constructor(
    private readonly workspaces: WorkspacesRepository,
    private readonly builds: BuildsRepository,
    private readonly templates: TemplatesRepository,
    private readonly builder: TransitionBuilder,
    @Inject(RUNTIME_DRIVER) private readonly runtime: RuntimeDriver,
    private readonly portUrls: PortUrls,
    private readonly access: WorkspaceAccessRule,
  ) {}

  async recover(user: AuthenticatedUser, id: string): Promise<WorkspaceView> {
    const ws = await this.access.requireWorkspaceAccess(user, id);
    const active = await this.builds.findActive(ws.id);
    if (active)
      throw conflict(`a ${active.kind} is in progress; it will settle the state`, { activeBuildId: active.id });
    if (!RECOVERABLE.includes(ws.status))
      throw conflict(`a ${ws.status} workspace needs no recovery`, { workspaceStatus: ws.status });

    const container = await this.runtime.findContainer(ws.id);
    // Recorded through the builder like any transition: a running container makes it a start
    // (→ running, ports read back), anything else a stop (→ stopped). A person repairing it is
    // using it: a dormancy (e.g. its retention delete was cancelled) ends, as with any transition,
    // so the full grace period runs again before any deletion.
    const order: TransitionOrder = {
      workspace: ws,
      kind: container?.running ? 'start' : 'stop',
      by: { userId: user.id },
      checks: { allowedFrom: RECOVERABLE },
    };
    await this.builder.settle(order, async () => {
      if (container?.running) {
        const version = await this.templates.findVersion(ws.templateId, ws.templateVersion);
        const ports = namePublishedPorts(container.ports, version ? parseTemplateSpec(version.spec).ports : []);
        return { stage: 'recover', ports, log: ['recover: the container is running; the workspace is running again'] };
      }
      // A stopped leftover container is disposable; removing it lets the next start begin clean.
      if (container) await this.runtime.removeContainer(ws.id);
      const found = container ? 'a stopped container (removed)' : 'no container';
      return { stage: 'recover', ports: [], log: [`recover: found ${found}; the workspace is stopped`] };
    });
    const updated = await this.workspaces.findById(ws.id);
    if (!updated) throw notFound('workspace');
    return toWorkspaceView(
      updated,
      (await this.workspaces.activeVersions([updated.templateId])).get(updated.templateId),
      (await this.portUrls.for([updated]))(updated),
    );
  }
}
