import { type Readable } from 'node:stream';
import type Docker from 'dockerode';
import { LABEL_MANAGED, LABEL_ROLE, TOOLS_DIR, TOOLS_IMAGE, volumeName } from './docker-objects.js';

/** A snapshot or restore helper: labelled by role only, so the reconciler never judges it as a workspace's. */
export const ROLE_HOME_ARCHIVE = 'home-archive';
/** Where a helper mounts the home volume; archive entries are named `home/…`. */
export const ARCHIVE_ROOT = 'home';

const helperHost = (): Docker.ContainerCreateOptions['HostConfig'] => ({
  NetworkMode: 'none',
  CapDrop: ['ALL'],
  SecurityOpt: ['no-new-privileges:true'],
  Memory: 128 * 1024 * 1024,
  PidsLimit: 32,
});

/**
 * Reads a home volume as one tar stream through the engine's archive API (the engine walks the
 * volume; uid/gid, modes, symlinks and timestamps are in the headers). The helper is a container
 * of Berth's own toolset image, created and never started: nothing of the template's image, and
 * nothing at all, runs. `close` removes the helper once the stream was consumed.
 */
export async function openHomeArchive(
  docker: Docker,
  workspaceId: string,
  labels: Record<string, string>,
  signal?: AbortSignal,
): Promise<{ stream: Readable; close: () => Promise<void> }> {
  const helper = await docker.createContainer({
    Image: TOOLS_IMAGE,
    Entrypoint: [],
    Cmd: [`${TOOLS_DIR}/busybox`, 'true'],
    Labels: { ...labels, [LABEL_MANAGED]: 'true', [LABEL_ROLE]: ROLE_HOME_ARCHIVE },
    HostConfig: {
      ...helperHost(),
      Mounts: [
        {
          Type: 'volume',
          Source: volumeName(workspaceId),
          Target: `/${ARCHIVE_ROOT}`,
          ReadOnly: true,
          VolumeOptions: { NoCopy: true },
        } as Docker.MountConfig[number],
      ],
    },
    abortSignal: signal,
  });
  const close = (): Promise<void> =>
    helper.remove({ force: true }).then(
      () => undefined,
      () => undefined,
    );
  try {
    const stream = (await helper.getArchive({ path: `/${ARCHIVE_ROOT}`, abortSignal: signal })) as Readable;
    return { stream, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Replaces a home volume's content with an archive made by openHomeArchive (gzip or plain tar; the
 * engine unpacks both, keeping the owners, modes, symlinks and timestamps of the headers). The
 * old content is removed first by Berth's static busybox in a helper with no network and only the
 * capabilities deleting needs; then the engine extracts into a never-started helper.
 */
export async function replaceHomeContent(
  docker: Docker,
  workspaceId: string,
  archive: Readable,
  labels: Record<string, string>,
  signal?: AbortSignal,
): Promise<void> {
  const mount = {
    Type: 'volume',
    Source: volumeName(workspaceId),
    Target: `/${ARCHIVE_ROOT}`,
    VolumeOptions: { NoCopy: true },
  } as Docker.MountConfig[number];
  const baseLabels = { ...labels, [LABEL_MANAGED]: 'true', [LABEL_ROLE]: ROLE_HOME_ARCHIVE };
  const cleaner = await docker.createContainer({
    Image: TOOLS_IMAGE,
    Entrypoint: [],
    // busybox find has no -delete: each top-level entry goes with rm -rf (dotfiles included).
    Cmd: [
      `${TOOLS_DIR}/busybox`,
      'find',
      `/${ARCHIVE_ROOT}`,
      '-mindepth',
      '1',
      '-maxdepth',
      '1',
      '-exec',
      `${TOOLS_DIR}/busybox`,
      'rm',
      '-rf',
      '{}',
      '+',
    ],
    User: '0',
    Labels: baseLabels,
    HostConfig: { ...helperHost(), CapAdd: ['DAC_OVERRIDE', 'FOWNER'], Mounts: [mount] },
    abortSignal: signal,
  });
  try {
    await cleaner.start({ abortSignal: signal });
    const { StatusCode } = (await cleaner.wait({ abortSignal: signal })) as { StatusCode: number };
    if (StatusCode !== 0) throw new Error(`emptying the home volume failed (exit ${StatusCode})`);
  } finally {
    await cleaner.remove({ force: true }).catch(() => undefined);
  }
  const writer = await docker.createContainer({
    Image: TOOLS_IMAGE,
    Entrypoint: [],
    Cmd: [`${TOOLS_DIR}/busybox`, 'true'],
    Labels: baseLabels,
    HostConfig: { ...helperHost(), Mounts: [mount] },
    abortSignal: signal,
  });
  try {
    await writer.putArchive(archive, { path: '/', abortSignal: signal });
  } finally {
    await writer.remove({ force: true }).catch(() => undefined);
  }
}
