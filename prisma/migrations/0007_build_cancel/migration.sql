-- AlterTable
ALTER TABLE "Build" ADD COLUMN     "cancelRequestedAt" TIMESTAMP(3),
ADD COLUMN     "cancelRequestedById" UUID;

