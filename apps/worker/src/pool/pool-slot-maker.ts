import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import {
  applyParameters,
  BerthError,
  ErrorCode,
  namePublishedPorts,
  parseTemplateSpec,
  poolParametersKey,
  POOL_OWNER,
  resolveParameterValues,
  type TemplateSpec,
  type TemplateVersion,
} from '#domain';
import { PoolRepository } from '#persistence';
import {
  containerHostname,
  RUNTIME_DRIVER,
  type LogSink,
  type RuntimeDriver,
  type WorkspaceRuntimeSpec,
} from '#runtime';
import { TemplateImageService } from '../templates/template-image.service.js';

/** The parameters a slot is made with: the version's defaults, so a request that sets none matches it. */
export function slotParameters(version: TemplateVersion): {
  spec: TemplateSpec;
  key: string;
  parameters: ReturnType<typeof resolveParameterValues>;
} {
  const spec = parseTemplateSpec(version.spec);
  const parameters = resolveParameterValues(spec.parameters, undefined, spec.env);
  return { spec: applyParameters(spec, parameters), key: poolParametersKey(parameters), parameters };
}

/**
 * Makes and removes warm pool slots, through the RuntimeDriver port like any workspace: the same
 * hardened container (hardening.ts) and a volume of its own, named from the slot's id, which is
 * the id the workspace will have. Only the owner label differs (`pool`, see POOL_OWNER).
 */
@Injectable()
export class PoolSlotMaker {
  private readonly logger = new Logger(PoolSlotMaker.name);

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    @Inject(RUNTIME_DRIVER) private readonly runtime: RuntimeDriver,
    private readonly pool: PoolRepository,
    private readonly images: TemplateImageService,
  ) {}

  /** One new ready slot of this version; on failure its objects are removed again and the error thrown. */
  async make(version: TemplateVersion): Promise<string> {
    const id = randomUUID();
    const { spec, key, parameters } = slotParameters(version);
    // The row first: from now on the reconciler knows these objects are the pool's, not orphans.
    await this.pool.insertWarming({
      id,
      templateId: version.templateId,
      templateVersion: version.version,
      parametersKey: key,
      parameters,
    });
    const log: LogSink = (stream, lines) => lines.forEach((l) => this.logger.debug(`slot ${id} ${stream}: ${l}`));
    try {
      const image = await this.images.ensure(version.id, log, undefined, version);
      const runtimeSpec: WorkspaceRuntimeSpec = {
        workspaceId: id,
        ownerId: POOL_OWNER,
        hostname: containerHostname(id),
        image: image.id,
        spec,
        // Environment cannot change on a live container either: the name and owner come with the
        // first recreation (stop/start, rebuild); BERTH_WORKSPACE_ID is already the final one.
        env: { BERTH_WORKSPACE_ID: id, BERTH_OWNER_ID: POOL_OWNER },
      };
      await this.runtime.ensureVolume(id, POOL_OWNER);
      await this.runtime.prepareVolume(runtimeSpec);
      const container = await this.runtime.startContainer(runtimeSpec);
      // The container's first start is now: initScript and startScript run here, as they would on a cold one.
      for (const [which, script] of [
        ['initScript', spec.initScript],
        ['startScript', spec.startScript],
      ] as const) {
        if (script) await this.runScript(id, spec, which, script, log);
      }
      if (!(await this.pool.markReady(id, namePublishedPorts(container.ports, spec.ports)))) {
        await this.drain([id]);
        throw new BerthError(ErrorCode.Conflict, `slot ${id} was drained while it was made`);
      }
      return id;
    } catch (error) {
      await this.drain([id]).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Removes slots that no request claimed (takeForDrain skips claimed ones atomically): their
   * container and their volume. Removing these volumes is not the deletion of anybody's data: a
   * pool volume is made fresh for its slot and never held user data, since nobody could reach it
   * before a claim, and a claimed slot's volume is a workspace's and is never drained.
   */
  async drain(ids: string[]): Promise<number> {
    const taken = await this.pool.takeForDrain(ids);
    for (const id of taken) {
      await this.runtime.removeContainer(id);
      await this.runtime.removeVolume(id);
      await this.pool.remove(id);
    }
    return taken.length;
  }

  private async runScript(id: string, spec: TemplateSpec, which: string, script: string, log: LogSink): Promise<void> {
    const code = await this.runtime.exec(
      id,
      {
        cmd: ['sh', '-c', script],
        user: spec.user,
        workdir: spec.homePath,
        timeoutMs: this.config.BERTH_STAGE_TIMEOUT_MS,
      },
      log,
    );
    if (code !== 0) throw new BerthError(ErrorCode.ScriptFailed, `${which} of a pool slot exited with code ${code}`);
  }
}
