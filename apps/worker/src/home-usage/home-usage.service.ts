import { Inject, Injectable, Logger } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { homeLimitState, parseTemplateSpec, type TemplateSpec } from '#domain';
import { TemplatesRepository, WorkspacesRepository } from '#persistence';
import { RUNTIME_DRIVER, type RuntimeDriver } from '#runtime';
import { PeriodicTask } from '../common/periodic-task.js';

const MEASURED_NOT = new Set(['deleting', 'deleted']);

/**
 * Measures every live workspace's home volume (Berth's own `du` in one small container per 100
 * volumes; nothing of the template's image runs) and records the usage and where it stands
 * against the template's `homeLimits`, for the API, the portal and the start check.
 */
@Injectable()
export class HomeUsageService extends PeriodicTask {
  protected readonly logger = new Logger(HomeUsageService.name);

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    @Inject(RUNTIME_DRIVER) private readonly runtime: RuntimeDriver,
    private readonly workspaces: WorkspacesRepository,
    private readonly templates: TemplatesRepository,
  ) {
    super();
  }

  protected intervalMs(): number {
    return this.config.BERTH_HOME_USAGE_INTERVAL_MS;
  }

  protected async pass(): Promise<void> {
    // Not one being deleted: its volume is about to go, and a mount would hold the delete up.
    const live = (await this.workspaces.listLive(null)).filter((w) => !MEASURED_NOT.has(w.status));
    // Only volumes that exist: mounting a missing one would create it.
    const volumes = new Set(await this.runtime.listManagedVolumes());
    // Not a workspace being deleted: the measurement would hold its volume (the delete then
    // meets "volume is in use"), or re-create it by mounting it just after the delete.
    const measurable = live.filter((w) => volumes.has(w.id) && w.status !== 'deleting');
    const measured = await this.runtime.measureHomes(measurable.map((w) => w.id));
    const specs = new Map<string, TemplateSpec | null>();
    for (const ws of live) {
      const bytes = measured.get(ws.id);
      if (bytes === undefined) continue;
      const key = `${ws.templateId}:${ws.templateVersion}`;
      if (!specs.has(key)) {
        const version = await this.templates.findVersion(ws.templateId, ws.templateVersion);
        specs.set(key, version ? parseTemplateSpec(version.spec) : null);
      }
      await this.workspaces.recordHomeUsage(ws.id, bytes, homeLimitState(bytes, specs.get(key)?.homeLimits));
    }
  }
}
