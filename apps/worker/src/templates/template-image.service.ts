import { Inject, Injectable } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { allowlistProblems, BerthError, ErrorCode, notFound, parseAllowlist, parseTemplateSpec, LABEL_INSTANCE, LABEL_MANAGED } from '#domain';
import { TemplateVersionsRepository, type TemplateVersionRecord } from '#persistence';
import { RUNTIME_DRIVER, type ImageInfo, type LogSink, type RuntimeDriver } from '#runtime';

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

  async ensure(versionId: string, alsoLog: LogSink = () => undefined): Promise<ImageInfo> {
    const deadline = Date.now() + this.config.BERTH_IMAGE_PULL_TIMEOUT_MS;
    for (;;) {
      const version = await this.versions.findById(versionId);
      if (!version) throw notFound('template version');
      if (version.status === 'ready' && version.imageId && (await this.runtime.hasImage(version.imageId))) {
        return { id: version.imageId, digest: version.imageDigest ?? version.imageId };
      }
      if (version.status === 'failed') {
        throw new BerthError(ErrorCode.ImageUnavailable, `template version ${version.version} has no image: ${version.buildError ?? 'its build failed'}`);
      }
      if (version.status === 'building') {
        // Someone else builds it; take over only if they have been at it past the deadline.
        const stale = new Date(Date.now() - this.config.BERTH_IMAGE_PULL_TIMEOUT_MS);
        if (await this.versions.claimStale(version.id, stale)) return this.produce(version, alsoLog);
        if (Date.now() > deadline) throw new BerthError(ErrorCode.ImageUnavailable, `template version ${version.version} is still building`);
        await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
        continue;
      }
      // pending, or ready with its image gone from this engine (pruned): produce it now.
      if (await this.versions.claimBuild(version.id, [version.status])) return this.produce(version, alsoLog);
    }
  }

  private async produce(version: TemplateVersionRecord, alsoLog: LogSink): Promise<ImageInfo> {
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
        ? await this.runtime.buildImage({
            tag: `berth-template/${version.templateId}:v${version.version}`,
            dockerfile: spec.build.dockerfile, files: spec.build.files, args: spec.build.args,
            labels: { [LABEL_MANAGED]: 'true', [LABEL_INSTANCE]: this.config.BERTH_INSTANCE, 'berth.template.id': version.templateId, 'berth.template.version': String(version.version) },
          }, log)
        : await this.runtime.ensureImage(spec.image ?? '', log);
      log('system', [`image ready: ${image.id} (digest ${image.digest})`]);
      await writes;
      await this.versions.markReady(version.id, image);
      return image;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log('system', [`error: ${message}`]);
      await writes;
      await this.versions.markFailed(version.id, message);
      throw error instanceof BerthError ? error : new BerthError(ErrorCode.ImageUnavailable, message);
    }
  }
}
