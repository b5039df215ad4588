-- Existing duplicates: the newest unrevoked link of each target stays, the older ones are revoked.
UPDATE "shares" SET "revoked_at" = now() WHERE "revoked_at" IS NULL AND "token" NOT IN (SELECT DISTINCT ON ("owner_id", "kind", "target_id") "token" FROM "shares" WHERE "revoked_at" IS NULL ORDER BY "owner_id", "kind", "target_id", "created_at" DESC);--> statement-breakpoint
CREATE UNIQUE INDEX "shares_one_unrevoked_per_target_idx" ON "shares" USING btree ("owner_id","kind","target_id") WHERE "shares"."revoked_at" is null;
