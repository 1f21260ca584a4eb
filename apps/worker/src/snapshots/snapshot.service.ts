import { Inject, Injectable, Logger } from '@nestjs/common';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { constants, createGzip } from 'node:zlib';
import { BerthError, ErrorCode } from '#domain';
import { SnapshotsRepository, WorkspacesRepository, type SnapshotKind, type SnapshotRecord } from '#persistence';
import { RUNTIME_DRIVER, SNAPSHOT_STORE, snapshotKey, type RuntimeDriver, type SnapshotStore } from '#runtime';
import { ArchiveDigest } from './archive-digest.js';

/**
 * Takes and restores snapshots of home volumes. Nothing of the template's image runs: the engine
 * reads and writes the volume through helpers of Berth's toolset image (libs/runtime
 * home-archive.ts). A running workspace is paused (its processes frozen, not stopped) for as long
 * as the engine reads the volume, so the archive is one consistent moment: a file being written
 * is in it as it was before the pause, never half-written. The archive is gzip (level 1: the
 * pause is what the developer feels) with a sha256 of the stored bytes, checked before a restore.
 */
@Injectable()
export class SnapshotService {
  private readonly logger = new Logger(SnapshotService.name);

  constructor(
    @Inject(RUNTIME_DRIVER) private readonly runtime: RuntimeDriver,
    @Inject(SNAPSHOT_STORE) private readonly store: SnapshotStore,
    private readonly snapshots: SnapshotsRepository,
    private readonly workspaces: WorkspacesRepository,
  ) {}

  /** The job of one snapshot asked for through the API or the schedule. */
  async take(snapshotId: string, signal?: AbortSignal): Promise<void> {
    const snapshot = await this.snapshots.findById(snapshotId);
    if (!snapshot || !(await this.snapshots.markRunning(snapshot.id))) return;
    try {
      await this.write(snapshot, signal);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(`snapshot ${snapshot.id} of workspace ${snapshot.workspaceId} failed: ${message}`);
      await this.snapshots.markFailed(snapshot.id, message);
      if (signal?.aborted) throw error;
    }
  }

  /** Takes one now, synchronously (the safety snapshot before a restore); throws when it fails. */
  async capture(
    workspaceId: string,
    kind: SnapshotKind,
    createdById: string | null,
    signal?: AbortSignal,
  ): Promise<SnapshotRecord> {
    const ws = await this.workspaces.findById(workspaceId);
    if (!ws) throw new BerthError(ErrorCode.NotFound, 'workspace not found');
    const snapshot = await this.snapshots.create({
      workspaceId,
      ownerId: ws.ownerId,
      createdById,
      kind,
      templateVersion: ws.templateVersion,
    });
    await this.snapshots.markRunning(snapshot.id);
    try {
      await this.write(snapshot, signal);
    } catch (error) {
      await this.snapshots.markFailed(snapshot.id, error instanceof Error ? error.message : String(error));
      throw error;
    }
    return (await this.snapshots.findById(snapshot.id)) ?? snapshot;
  }

  /**
   * Puts a ready snapshot into the workspace's (existing) home volume: its checksum is verified
   * first, reading the stored archive once; only then is the home emptied and the archive unpacked.
   */
  async restoreInto(workspaceId: string, snapshotId: string, signal?: AbortSignal): Promise<SnapshotRecord> {
    const snapshot = await this.snapshots.findById(snapshotId);
    if (!snapshot || snapshot.status !== 'ready' || !snapshot.storeKey || !snapshot.sha256)
      throw new BerthError(ErrorCode.NotFound, 'the snapshot is not ready or no longer exists');
    const digest = new ArchiveDigest();
    await pipeline(await this.store.get(snapshot.storeKey, signal), digest, discard(), { signal });
    if (digest.hex() !== snapshot.sha256)
      throw new BerthError(
        ErrorCode.RuntimeFailure,
        `snapshot ${snapshot.id} is damaged: its checksum does not match ` +
          `(stored sha256 ${snapshot.sha256.slice(0, 12)}…, read ${digest.hex().slice(0, 12)}…); nothing was changed`,
      );
    await this.runtime.replaceHome(workspaceId, await this.store.get(snapshot.storeKey, signal), signal);
    this.logger.log(`restored snapshot ${snapshot.id} into workspace ${workspaceId}`);
    return snapshot;
  }

  private async write(snapshot: SnapshotRecord, signal?: AbortSignal): Promise<void> {
    const key = snapshotKey(snapshot.ownerId, snapshot.workspaceId, snapshot.id);
    const digest = new ArchiveDigest();
    const paused = await this.runtime.pauseContainer(snapshot.workspaceId, signal);
    try {
      const archive = await this.runtime.openHomeArchive(snapshot.workspaceId, signal);
      try {
        const gzip = createGzip({ level: constants.Z_BEST_SPEED });
        await this.store.put(key, archive.stream.pipe(gzip).pipe(digest), signal);
      } finally {
        await archive.close();
      }
    } finally {
      if (paused) await this.runtime.unpauseContainer(snapshot.workspaceId);
    }
    await this.snapshots.markReady(snapshot.id, { storeKey: key, sizeBytes: digest.bytes, sha256: digest.hex() });
    this.logger.log(`snapshot ${snapshot.id} of workspace ${snapshot.workspaceId}: ${digest.bytes} bytes`);
  }
}

/** A sink that drops what it is given (the checksum pass reads the archive only to hash it). */
const discard = (): Writable =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });
