-- AlterEnum
ALTER TYPE "BuildKind" ADD VALUE 'update';

-- AlterTable
ALTER TABLE "TemplateVersion" ADD COLUMN     "buildError" TEXT,
ADD COLUMN     "buildFinishedAt" TIMESTAMP(3),
ADD COLUMN     "buildStartedAt" TIMESTAMP(3),
ADD COLUMN     "createdById" UUID,
ADD COLUMN     "imageId" TEXT;

-- AlterTable
ALTER TABLE "Build" ADD COLUMN     "reinitialize" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "TemplateVersionLog" (
    "id" BIGSERIAL NOT NULL,
    "versionId" UUID NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stream" TEXT NOT NULL DEFAULT 'system',
    "line" TEXT NOT NULL,

    CONSTRAINT "TemplateVersionLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TemplateVersionLog_versionId_id_idx" ON "TemplateVersionLog"("versionId", "id");

-- AddForeignKey
ALTER TABLE "TemplateVersionLog" ADD CONSTRAINT "TemplateVersionLog_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "TemplateVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

