import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { poolParametersKey, type ResolvedParameters } from '#domain';
import { type BuildRecord, type QuotaScope, type TemplateVersionRecord, type WorkspaceRecord } from '#persistence';
import { TransitionBuilder, type TransitionOrder } from '#queue';

/** A new workspace's fields, as `POST /workspaces` resolved them. */
export interface WarmRequest {
  name: string;
  templateId: string;
  templateVersion: number;
  parameters: ResolvedParameters;
}

/**
 * `POST /workspaces` through the warm pool (README "Warm pool"): a ready slot of the promoted
 * version whose parameters match the request's exactly becomes the workspace (same id: its
 * container and volume were made for it), and its first start ends at once, `running`. Anything
 * else (no slot, other parameters, a clone) is a cold start, as before.
 */
@Injectable()
export class WarmPoolClaims {
  constructor(
    private readonly builder: TransitionBuilder,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(WarmPoolClaims.name);
  }

  /** Inside the owner's quota lock: the claim counts against that owner like any new workspace. */
  async claim(
    scope: QuotaScope,
    version: TemplateVersionRecord,
    request: WarmRequest,
  ): Promise<WorkspaceRecord | null> {
    // No pool asked for: no claim query at all on the usual path.
    if (version.poolSize === 0) return null;
    return scope.claimPoolSlot({ ...request, parametersKey: poolParametersKey(request.parameters) });
  }

  /**
   * The claimed workspace's Build row (inserted with the claim) ends here, through the one
   * TransitionBuilder, so it is recorded like every other start. Should this process die first,
   * the reaper queues the build and the worker finds the pool's container running: same result.
   */
  async settle(order: TransitionOrder, build: BuildRecord): Promise<void> {
    await this.builder.complete(order, build, () =>
      Promise.resolve({
        stage: 'warm-pool',
        ports: order.workspace.ports,
        log: ['started from the warm pool: its container was already running on a fresh home volume'],
      }),
    );
    this.logger.info({ workspaceId: order.workspace.id, buildId: build.id }, 'claimed a warm pool slot');
  }
}
