-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "lastActivityAt" TIMESTAMP(3);

