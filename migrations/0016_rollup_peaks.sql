ALTER TABLE "reading_rollups_hourly" ADD COLUMN "peak_w" double precision;--> statement-breakpoint
ALTER TABLE "reading_rollups_hourly" ADD COLUMN "peak_start_ms" double precision;--> statement-breakpoint
-- Hours rolled up before this migration have no peak: every meter reads raw (exact) until its
-- rollups are rebuilt (`npm run rollups:backfill`).
UPDATE "meters" SET "rollups_ready" = false;
