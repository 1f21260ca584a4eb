import type Docker from 'dockerode';
import { BerthError, ErrorCode } from '#domain';
import { followEvents } from './engine-events.js';

/** Where Berth pushes workspace images in the registry: one repository, tagged by image id. */
export const REGISTRY_REPOSITORY = 'berth/workspace';

interface PushEvent {
  error?: string;
  aux?: { Digest?: string };
}

/**
 * Makes a local image available to every node: tagged `<registry>/berth/workspace:<image id>`,
 * pushed, and named by the digest the registry answered, so a node pulls exactly these bytes and
 * a later retag cannot change what a workspace runs. Pushing what the registry has is cheap (it
 * answers "layer already exists"), so this is safe on every start.
 */
export async function pushForNodes(
  docker: Docker,
  registry: string,
  localImage: string,
  signal?: AbortSignal,
): Promise<string> {
  const image = await docker.getImage(localImage).inspect();
  const repo = `${registry}/${REGISTRY_REPOSITORY}`;
  const pinned = image.RepoDigests?.find((d) => d.startsWith(`${repo}@`));
  if (pinned) return pinned;
  const tag = image.Id.replace(/^sha256:/, '');
  await docker.getImage(image.Id).tag({ repo, tag, abortSignal: signal });
  const stream = await docker.getImage(`${repo}:${tag}`).push({
    // The engine wants an auth header even for an open registry; credentials (planned) go here.
    authconfig: { serveraddress: registry },
    abortSignal: signal,
  });
  let digest: string | null = null;
  let failure: string | null = null;
  await followEvents<PushEvent>(stream, (event) => {
    if (event.aux?.Digest) digest = event.aux.Digest;
    if (event.error) failure = event.error;
  });
  if (failure || !digest)
    throw new BerthError(
      ErrorCode.ImageUnavailable,
      `pushing the workspace image to ${registry} failed: ${failure ?? 'the registry answered no digest'}`,
    );
  return `${repo}@${digest as string}`;
}
