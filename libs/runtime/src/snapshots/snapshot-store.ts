import { type Readable } from 'node:stream';

export const SNAPSHOT_STORE = Symbol('SNAPSHOT_STORE');

/**
 * Where snapshot archives live, behind one small interface: a local folder (the default, under
 * the state folder) or an S3-compatible bucket (BERTH_SNAPSHOT_STORE=s3://bucket/prefix). Keys are
 * Berth's own (`<ownerId>/<workspaceId>/<snapshotId>.tar.gz`), never user input.
 */
export interface SnapshotStore {
  /** Writes the whole stream under `key`; resolves once it is durably stored. */
  put(key: string, body: Readable, signal?: AbortSignal): Promise<void>;
  /** The stored bytes; a missing key is a NotFound error. */
  get(key: string, signal?: AbortSignal): Promise<Readable>;
  /** Removes it; a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** e.g. `local folder /var/lib/berth/snapshots` (logs, the admin system page). */
  describe(): string;
}

export const snapshotKey = (ownerId: string, workspaceId: string, snapshotId: string): string =>
  `${ownerId}/${workspaceId}/${snapshotId}.tar.gz`;
