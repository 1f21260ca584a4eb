import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { type BerthConfig } from '#config';
import { CODE_SERVER_VERSION, EDITOR_DIR, EDITOR_VOLUME, LABEL_MANAGED, LABEL_ROLE, ROLE_EDITOR } from '#domain';
import { statusCodeOf } from './docker-errors.js';

/**
 * The machine's code-server build (scripts/code-server.sh), or null when this server has none:
 * BERTH_CODE_SERVER_DIR, else `$BERTH_CACHE/code-server-<version>` (the scripts' cache, default
 * /var/cache/berth). Only a finished build counts (the script writes `.berth-complete` last).
 * The folder must be on the engine's machine: the editor volume binds it from there.
 */
export function editorInstallDir(config: Pick<BerthConfig, 'BERTH_CODE_SERVER_DIR'>): string | null {
  const dir =
    config.BERTH_CODE_SERVER_DIR ??
    join(process.env.BERTH_CACHE ?? '/var/cache/berth', `code-server-${CODE_SERVER_VERSION}`);
  return existsSync(join(dir, '.berth-complete')) ? dir : null;
}

/** The read-only mount of the editor volume that every workspace gets when the server has an editor. */
export const editorMount = (): { Type: 'volume'; Source: string; Target: string; ReadOnly: true } => ({
  Type: 'volume',
  Source: EDITOR_VOLUME,
  Target: EDITOR_DIR,
  ReadOnly: true,
});

/**
 * A local volume bound to the build folder, so the 600 MB editor is neither copied into an image
 * nor into each workspace: Berth's own mount (never a template's), read-only in every workspace.
 * A volume that exists is kept as it is: installations sharing an engine share it (same version,
 * same build), and one that is in use could not be replaced anyway. Answers the folder it binds.
 */
export async function ensureEditorVolume(docker: Docker, dir: string, abortSignal: AbortSignal): Promise<string> {
  try {
    const existing = await docker.getVolume(EDITOR_VOLUME).inspect({ abortSignal });
    return (existing.Options ?? {}).device ?? dir;
  } catch (error) {
    if (statusCodeOf(error) !== 404) throw error;
  }
  await docker.createVolume({
    Name: EDITOR_VOLUME,
    Driver: 'local',
    DriverOpts: { type: 'none', o: 'bind,ro', device: dir },
    Labels: { [LABEL_MANAGED]: 'true', [LABEL_ROLE]: ROLE_EDITOR },
    abortSignal,
  });
  return dir;
}
