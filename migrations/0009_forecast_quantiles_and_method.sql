ALTER TABLE "model_runs" ADD COLUMN "forecast_p10" jsonb;--> statement-breakpoint
ALTER TABLE "model_runs" ADD COLUMN "forecast_p90" jsonb;--> statement-breakpoint
ALTER TABLE "model_runs" ADD COLUMN "forecast_method" text DEFAULT 'model' NOT NULL;--> statement-breakpoint
ALTER TABLE "model_runs" ADD COLUMN "model_forecast_kwh" jsonb;--> statement-breakpoint
CREATE INDEX "model_runs_meter_issued_idx" ON "model_runs" USING btree ("meter_id","input_to");