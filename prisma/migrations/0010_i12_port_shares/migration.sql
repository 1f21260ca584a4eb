-- Share level per forwarded port ("owner" when absent): {"<port>": "owner" | "authenticated" | "public"}.
ALTER TABLE "Workspace" ADD COLUMN "portShares" JSONB NOT NULL DEFAULT '{}';
