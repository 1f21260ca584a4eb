-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "dormantAt" TIMESTAMP(3),
ADD COLUMN     "deletesAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Build" ADD COLUMN     "reason" TEXT;
