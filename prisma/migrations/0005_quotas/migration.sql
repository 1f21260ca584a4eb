-- AlterTable
ALTER TABLE "User" ADD COLUMN     "quotaMaxCpus" DOUBLE PRECISION,
ADD COLUMN     "quotaMaxMemoryMb" INTEGER,
ADD COLUMN     "quotaMaxRunning" INTEGER,
ADD COLUMN     "quotaMaxWorkspaces" INTEGER;

