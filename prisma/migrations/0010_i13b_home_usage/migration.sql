-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "homeUsageBytes" BIGINT,
ADD COLUMN     "homeUsageMeasuredAt" TIMESTAMP(3),
ADD COLUMN     "homeLimitState" TEXT;
