-- A reference any host can resolve to a template version's image (imageId is one engine's cache).
ALTER TABLE "TemplateVersion" ADD COLUMN "imageRef" TEXT;
