-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "stopReason" TEXT;

