import { Inject, Injectable } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import {
  allowlistProblems,
  BerthError,
  ErrorCode,
  notFound,
  parseAllowlist,
  parseTemplateSpec,
  LABEL_INSTANCE,
  LABEL_MANAGED,
} from '#domain';
import { TemplateVersionsRepository, type TemplateVersionRecord } from '#persistence';
import { sleep } from '#common';
import { RUNTIME_DRIVER, type ImageInfo, type LogSink, type RuntimeDriver } from '#runtime';
import { isTransient } from '../common/transient.js';

const WAIT_STEP_MS = 500;

/**
 * Gives every template version exactly one image: pulled (`image`) or built (`build`), pinned by
 * local image id and digest. Called by the template build job and, when a workspace starts
 * before that job ran, by the workspace's own build; only one of them produces, the other waits.
 */
@Injectable()
export class TemplateImageService {
  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    @Inject(RUNTIME_DRIVER) private readonly runtime: RuntimeDriver,
    private readonly versions: TemplateVersionsRepository,
  ) {}

  /** `signal` stops the wait or the production (the claim is given back, the version not failed). */
  async ensure(versionId: string, alsoLog: LogSink = () => undefined, signal?: AbortSignal): Promise<ImageInfo> {
    const deadline = Date.now() + this.config.BERTH_IMAGE_PULL_TIMEOUT_MS;
    for (;;) {
      const version = await this.versions.findById(versionId);
      if (!version) throw notFound('template version');
      if (version.status === 'ready' && version.imageId && (await this.runtime.hasImage(version.imageId, signal))) {
        return { id: version.imageId, digest: version.imageDigest ?? version.imageId };
      }
      if (version.status === 'failed') {
        throw new BerthError(
          ErrorCode.ImageUnavailable,
          `template version ${version.version} has no image: ${version.buildError ?? 'its build failed'}`,
        );
      }
      if (version.status === 'building') {
        // Someone else builds it; take over only if they have been at it past the deadline.
        const stale = new Date(Date.now() - this.config.BERTH_IMAGE_PULL_TIMEOUT_MS);
        if (await this.versions.claimStale(version.id, stale)) return this.produce(version, alsoLog, signal);
        if (Date.now() > deadline)
          throw new BerthError(ErrorCode.ImageUnavailable, `template version ${version.version} is still building`);
        await sleep(WAIT_STEP_MS, signal);
        continue;
      }
      // pending, or ready with its image gone from this engine (pruned): produce it now.
      if (await this.versions.claimBuild(version.id, [version.status])) return this.produce(version, alsoLog, signal);
    }
  }

  private async produce(version: TemplateVersionRecord, alsoLog: LogSink, signal?: AbortSignal): Promise<ImageInfo> {
    let writes = Promise.resolve();
    const log: LogSink = (stream, lines) => {
      writes = writes.then(() => this.versions.appendLog(version.id, stream, lines)).catch(() => undefined);
      alsoLog(stream, lines);
    };
    try {
      const spec = parseTemplateSpec(version.spec);
      // Checked again here: the allowlist may have changed since the version was created.
      const refused = allowlistProblems(spec, parseAllowlist(this.config.BERTH_IMAGE_ALLOWLIST))[0];
      if (refused) throw new BerthError(ErrorCode.ImageUnavailable, refused.message);
      const image = spec.build
        ? await this.runtime.buildImage(
            {
              tag: `berth-template/${version.templateId}:v${version.version}`,
              dockerfile: spec.build.dockerfile,
              files: spec.build.files,
              args: spec.build.args,
              labels: {
                [LABEL_MANAGED]: 'true',
                [LABEL_INSTANCE]: this.config.BERTH_INSTANCE,
                'berth.template.id': version.templateId,
                'berth.template.version': String(version.version),
              },
            },
            log,
            signal,
          )
        : await this.runtime.ensureImage(spec.image ?? '', log, signal);
      log('system', [`image ready: ${image.id} (digest ${image.digest})`]);
      await writes;
      await this.versions.markReady(version.id, image);
      return image;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (signal?.aborted || isTransient(error)) {
        // Not the version's fault (stopped early, or the engine was away): another try may produce it.
        log('system', [`stopped: ${message}`]);
        await writes;
        await this.versions.releaseClaim(version.id);
        throw error;
      }
      log('system', [`error: ${message}`]);
      await writes;
      await this.versions.markFailed(version.id, message);
      throw error instanceof BerthError ? error : new BerthError(ErrorCode.ImageUnavailable, message);
    }
  }
}
