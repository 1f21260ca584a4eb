/**
 * States of objects that only the API shows (snapshots, home volumes), listed once here so the
 * contract (libs/contract) and the code that writes them agree.
 */
export const SNAPSHOT_STATUSES = ['pending', 'running', 'ready', 'failed'] as const;
export type SnapshotStatus = (typeof SNAPSHOT_STATUSES)[number];

/** manual, scheduled (the template's schedule) or before-restore (the home as it was before a restore). */
export const SNAPSHOT_KINDS = ['manual', 'scheduled', 'before-restore'] as const;
export type SnapshotKind = (typeof SNAPSHOT_KINDS)[number];

/** A home volume in the admin inventory: in use, in the trash, without a row, or a row without its volume. */
export const VOLUME_STATES = ['live', 'trash', 'orphan-volume', 'missing-volume'] as const;
export type VolumeState = (typeof VOLUME_STATES)[number];

/** Stages a build records (stage name → milliseconds), in the order a start walks them. */
export const BUILD_STAGES = [
  'queue',
  'stop',
  'safety-snapshot',
  'restore',
  'image',
  'reinitialize',
  'volume',
  'container',
  'scripts',
  'ports',
  'ready',
] as const;
export type BuildStage = (typeof BUILD_STAGES)[number];
