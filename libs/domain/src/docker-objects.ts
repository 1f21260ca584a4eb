/**
 * Names and labels of the Docker objects Berth creates (README "How it behaves", "Docker labels").
 * Volumes are named from the workspace id, never from a name, so renames cannot orphan data.
 */
export const LABEL_MANAGED = 'berth.managed';
export const LABEL_WORKSPACE = 'berth.workspace.id';
export const LABEL_OWNER = 'berth.owner.id';
/** Separates installations sharing one engine (e.g. `npm run up` next to a test run). */
export const LABEL_INSTANCE = 'berth.instance';
/** What a container is for, beyond the workspace it belongs to (e.g. a one-shot volume helper). */
export const LABEL_ROLE = 'berth.role';
export const ROLE_VOLUME_HELPER = 'volume-helper';
/** A sealed builder's step container (no workspace; the reconciler leaves it to its build). */
export const ROLE_BUILD_STEP = 'build-step';

/**
 * Berth's own static toolset (scripts/images.sh builds the image): copied once into a read-only
 * volume mounted in every workspace at TOOLS_DIR, so Berth's plumbing runs nothing of the
 * template's image. Bump the version with the image's content.
 */
export const TOOLS_IMAGE = 'berth/tools:2';
export const TOOLS_VOLUME = 'berth-tools-2';
export const TOOLS_DIR = '/.berth';
export const ROLE_TOOLS = 'tools';
/** A short-lived home usage measurement (Berth's `du` with volumes mounted read-only). */
export const ROLE_VOLUME_USAGE = 'volume-usage';

export const volumeName = (workspaceId: string): string => `berth-ws-${workspaceId}-home`;
export const containerName = (workspaceId: string): string => `berth-ws-${workspaceId}`;
/**
 * The container's hostname, also from the id: the engine's DNS on the shared workspace network
 * answers a container's hostname to every other container there, so a workspace name (or an
 * owner's) as hostname let other users' workspaces look it up (issue 13).
 */
export const containerHostname = (workspaceId: string): string => containerName(workspaceId);

export function workspaceLabels(workspaceId: string, ownerId: string, instance: string): Record<string, string> {
  return {
    [LABEL_MANAGED]: 'true',
    [LABEL_WORKSPACE]: workspaceId,
    [LABEL_OWNER]: ownerId,
    [LABEL_INSTANCE]: instance,
  };
}
