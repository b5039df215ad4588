CREATE TABLE "model_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meter_id" uuid NOT NULL,
	"owner_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"model_version" text NOT NULL,
	"input_from" timestamp with time zone NOT NULL,
	"input_to" timestamp with time zone NOT NULL,
	"forecast_kwh" jsonb NOT NULL,
	"plan" jsonb NOT NULL,
	"figures" jsonb NOT NULL,
	"findings" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "meters" ADD COLUMN "tariff" jsonb;--> statement-breakpoint
ALTER TABLE "meters" ADD COLUMN "assets" jsonb;--> statement-breakpoint
ALTER TABLE "model_runs" ADD CONSTRAINT "model_runs_meter_id_meters_id_fk" FOREIGN KEY ("meter_id") REFERENCES "public"."meters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_runs" ADD CONSTRAINT "model_runs_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "model_runs_meter_created_idx" ON "model_runs" USING btree ("meter_id","created_at");