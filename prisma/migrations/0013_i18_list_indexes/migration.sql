-- Lists: a developer's workspaces in creation order come from one index range (it also serves
-- every ownerId lookup, so the single-column index goes).
DROP INDEX "Workspace_ownerId_idx";
CREATE INDEX "Workspace_ownerId_createdAt_idx" ON "Workspace"("ownerId", "createdAt");

-- Status queries of the control loops (running for idle stop and metrics, stopped for retention).
CREATE INDEX "Workspace_status_idx" ON "Workspace"("status");

-- The reaper's scans: running builds by heartbeat, queued builds by age.
CREATE INDEX "Build_status_queuedAt_idx" ON "Build"("status", "queuedAt");
