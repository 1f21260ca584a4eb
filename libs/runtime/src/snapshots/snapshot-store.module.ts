import { Global, Module } from '@nestjs/common';
import { join } from 'node:path';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { LocalSnapshotStore } from './local-snapshot-store.js';
import { S3SnapshotStore } from './s3-snapshot-store.js';
import { SNAPSHOT_STORE, type SnapshotStore } from './snapshot-store.js';

/** The store BERTH_SNAPSHOT_STORE names: `s3://bucket[/prefix]`, a folder path, or (unset) `<BERTH_DATA_DIR>/snapshots`. */
export function snapshotStoreFor(config: BerthConfig): SnapshotStore {
  const where = config.BERTH_SNAPSHOT_STORE;
  if (where?.startsWith('s3://')) return S3SnapshotStore.fromConfig(where, config);
  return new LocalSnapshotStore(where ?? join(config.BERTH_DATA_DIR, 'snapshots'));
}

@Global()
@Module({
  providers: [{ provide: SNAPSHOT_STORE, inject: [BERTH_CONFIG], useFactory: snapshotStoreFor }],
  exports: [SNAPSHOT_STORE],
})
export class SnapshotStoreModule {}
