import type Docker from 'dockerode';
import { BerthError, ErrorCode } from '#domain';
import { LABEL_MANAGED, LABEL_ROLE, ROLE_VOLUME_USAGE, TOOLS_DIR, TOOLS_IMAGE, volumeName } from './docker-objects.js';

/** Volumes measured by one helper container (one engine round trip per batch). */
export const USAGE_BATCH = 100;

/**
 * Bytes used by each workspace's home volume, measured with Berth's own static busybox (`du`),
 * never a program of the template's image: one short-lived container per batch, every volume
 * mounted read-only, no network, all capabilities dropped but DAC_READ_SEARCH (to read homes
 * that are private to their user). Only existing volumes may be passed: mounting a missing one
 * would create it.
 */
export async function measureVolumes(
  docker: Docker,
  workspaceIds: readonly string[],
  labels: Record<string, string>,
  signal?: AbortSignal,
): Promise<Map<string, number>> {
  const usage = new Map<string, number>();
  for (let i = 0; i < workspaceIds.length; i += USAGE_BATCH) {
    const batch = workspaceIds.slice(i, i + USAGE_BATCH);
    const container = await docker.createContainer({
      Image: TOOLS_IMAGE,
      Entrypoint: [],
      Cmd: [`${TOOLS_DIR}/busybox`, 'du', '-s', '-k', ...batch.map((id) => `/v/${id}`)],
      User: '0',
      // A TTY gives the output as plain text (no stream headers).
      Tty: true,
      Labels: { ...labels, [LABEL_MANAGED]: 'true', [LABEL_ROLE]: ROLE_VOLUME_USAGE },
      HostConfig: {
        Mounts: batch.map((id) => ({ Type: 'volume', Source: volumeName(id), Target: `/v/${id}`, ReadOnly: true })),
        NetworkMode: 'none',
        CapDrop: ['ALL'],
        CapAdd: ['DAC_READ_SEARCH'],
        SecurityOpt: ['no-new-privileges:true'],
        Memory: 64 * 1024 * 1024,
        PidsLimit: 16,
      },
      abortSignal: signal,
    });
    try {
      await container.start({ abortSignal: signal });
      await container.wait({ abortSignal: signal });
      const output = (await container.logs({ stdout: true, stderr: true, abortSignal: signal })).toString('utf8');
      for (const line of output.split(/\r?\n/)) {
        const match = /^(\d+)\s+\/v\/([0-9a-f-]+)$/.exec(line.trim());
        if (match?.[1] && match[2]) usage.set(match[2], Number(match[1]) * 1024);
      }
    } finally {
      await container.remove({ force: true }).catch(() => undefined);
    }
  }
  const missing = workspaceIds.filter((id) => !usage.has(id));
  if (missing.length > 0 && usage.size === 0)
    throw new BerthError(ErrorCode.RuntimeFailure, `could not measure home volumes (${missing.length})`);
  return usage;
}
