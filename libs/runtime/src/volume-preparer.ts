import type Docker from 'dockerode';
import { BerthError, ErrorCode, volumeName } from '#domain';
import { type WorkspaceRuntimeSpec } from './runtime.driver.js';

/**
 * Gives a fresh volume's root to the template user with a one-shot helper container. Mounting at
 * homePath lets Docker copy the image's skeleton (e.g. .bashrc) into the new volume first; then
 * only the volume root's owner changes, as root with CHOWN and nothing else, without a network.
 */
export async function prepareVolumeOwner(
  docker: Docker,
  ws: WorkspaceRuntimeSpec,
  labels: Record<string, string>,
  signal: AbortSignal,
): Promise<void> {
  const { spec } = ws;
  const helper = await docker.createContainer({
    Image: ws.image,
    User: '0',
    Cmd: ['chown', spec.user, spec.homePath],
    Labels: labels,
    HostConfig: {
      Mounts: [{ Type: 'volume', Source: volumeName(ws.workspaceId), Target: spec.homePath }],
      NetworkMode: 'none',
      CapDrop: ['ALL'],
      CapAdd: ['CHOWN'],
      SecurityOpt: ['no-new-privileges:true'],
    },
    abortSignal: signal,
  });
  try {
    await helper.start({ abortSignal: signal });
    const result = (await helper.wait({ abortSignal: signal })) as { StatusCode: number };
    if (result.StatusCode !== 0) {
      const output = (await helper.logs({ stdout: true, stderr: true, abortSignal: signal })).toString().trim();
      throw new BerthError(
        ErrorCode.RuntimeFailure,
        `could not give ${spec.homePath} to user ${spec.user} (exit ${result.StatusCode}): ${output.slice(-500)}`,
      );
    }
  } finally {
    // Not tied to the signal: the helper is removed even when the stage was aborted.
    await helper.remove({ force: true }).catch(() => undefined);
  }
}
