import tar from 'tar-stream';
import type Docker from 'dockerode';
import { BerthError, ErrorCode } from '#domain';
import { BoundedLineReader, DEFAULT_STREAM_LIMITS, type StreamLimits } from './bounded-lines.js';
import { followEvents } from './engine-events.js';
import { type ImageBuildRequest, type LogSink } from './runtime.driver.js';

interface BuildEvent {
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/** The build context as an in-memory tar: the Dockerfile plus the template's extra files. */
function contextTar(req: ImageBuildRequest): NodeJS.ReadableStream {
  const pack = tar.pack();
  pack.entry({ name: 'Dockerfile', mode: 0o644 }, req.dockerfile);
  for (const [name, content] of Object.entries(req.files)) pack.entry({ name, mode: 0o644 }, content);
  pack.finalize();
  return pack as unknown as NodeJS.ReadableStream;
}

/**
 * Builds an image from a template's Dockerfile, streaming the builder's output into the log,
 * and resolves with the new image id. Build errors (a failing RUN) reject with the builder's
 * message, which becomes the version's build error.
 */
export async function buildImage(
  docker: Docker,
  req: ImageBuildRequest,
  log: LogSink,
  signal?: AbortSignal,
  limits: StreamLimits = DEFAULT_STREAM_LIMITS,
): Promise<string> {
  const stream = await docker.buildImage(contextTar(req), {
    t: req.tag,
    buildargs: req.args,
    labels: req.labels,
    rm: true,
    forcerm: true,
    pull: false,
    abortSignal: signal,
  });
  let imageId: string | undefined;
  let builderError: string | undefined;
  // The builder's output arrives as text pieces of JSON events; one bounded reader joins them.
  const output = new BoundedLineReader((lines) => {
    const shown = lines.filter((l) => l.trim() !== '');
    if (shown.length > 0) log('stdout', shown);
  }, limits);
  await followEvents<BuildEvent>(stream, (event) => {
    if (event.aux?.ID) imageId = event.aux.ID;
    if (event.stream) output.push(event.stream);
    if (event.error) {
      builderError = event.errorDetail?.message ?? event.error;
      log('stderr', [builderError]);
    }
  }).catch((error: unknown) => {
    throw new BerthError(
      ErrorCode.RuntimeFailure,
      `image build failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  output.end();
  // The engine reports a failing step as an event in the stream, not as a stream error.
  if (builderError) throw new BerthError(ErrorCode.RuntimeFailure, `image build failed: ${builderError}`);
  if (!imageId) {
    // Older engines report the id only as a "Successfully built <id>" line.
    imageId = (await docker.getImage(req.tag).inspect()).Id;
  }
  return imageId;
}
