-- Restore: a transition that puts a snapshot into the home.
ALTER TYPE "BuildKind" ADD VALUE 'restore';
ALTER TABLE "Build" ADD COLUMN "snapshotId" UUID;

-- Trash: a deleted workspace keeps its home volume until it expires or is purged.
ALTER TABLE "Workspace" ADD COLUMN "trashExpiresAt" TIMESTAMP(3),
ADD COLUMN "purgeRequestedAt" TIMESTAMP(3),
ADD COLUMN "purgedAt" TIMESTAMP(3);

-- Snapshots of home volumes.
CREATE TYPE "SnapshotStatus" AS ENUM ('pending', 'running', 'ready', 'failed');

CREATE TABLE "Snapshot" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "ownerId" UUID NOT NULL,
    "createdById" UUID,
    "kind" TEXT NOT NULL,
    "status" "SnapshotStatus" NOT NULL DEFAULT 'pending',
    "templateVersion" INTEGER NOT NULL,
    "storeKey" TEXT,
    "sizeBytes" BIGINT,
    "sha256" TEXT,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Snapshot_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "Snapshot_workspaceId_createdAt_idx" ON "Snapshot"("workspaceId", "createdAt");
CREATE INDEX "Snapshot_ownerId_idx" ON "Snapshot"("ownerId");

ALTER TABLE "Snapshot" ADD CONSTRAINT "Snapshot_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The trash's expiry pass looks only at trashed, unpurged rows.
CREATE INDEX "Workspace_trash_idx" ON "Workspace"("trashExpiresAt") WHERE "deletedAt" IS NOT NULL AND "purgedAt" IS NULL;

-- Per-user snapshot storage override (null: BERTH_QUOTA_SNAPSHOT_MB).
ALTER TABLE "User" ADD COLUMN "quotaMaxSnapshotMb" INTEGER;
