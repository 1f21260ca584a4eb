-- Warm pool (README "Warm pool"): a pool size per template version, and the slots themselves.
ALTER TABLE "TemplateVersion" ADD COLUMN "poolSize" INTEGER NOT NULL DEFAULT 0;

CREATE TABLE "PoolSlot" (
    "id" UUID NOT NULL,
    "templateId" UUID NOT NULL,
    "templateVersion" INTEGER NOT NULL,
    "parametersKey" TEXT NOT NULL,
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "state" TEXT NOT NULL DEFAULT 'warming',
    "ports" JSONB NOT NULL DEFAULT '[]',
    "ownerId" UUID,
    "workspaceName" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readyAt" TIMESTAMP(3),
    "claimedAt" TIMESTAMP(3),

    CONSTRAINT "PoolSlot_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "PoolSlot_templateId_templateVersion_parametersKey_state_idx" ON "PoolSlot"("templateId", "templateVersion", "parametersKey", "state");
CREATE INDEX "PoolSlot_state_idx" ON "PoolSlot"("state");
