-- Existing meters start with rollups_ready = false (the column default): their reads stay on raw readings until `npm run rollups:backfill` rebuilds them.
CREATE TABLE "reading_rollups_daily" (
	"meter_id" uuid NOT NULL,
	"day" timestamp with time zone NOT NULL,
	"power_w_sum" double precision,
	"power_w_count" integer DEFAULT 0 NOT NULL,
	"power_w_min" double precision,
	"power_w_max" double precision,
	"energy_wh_sum" double precision,
	"energy_wh_count" integer DEFAULT 0 NOT NULL,
	"energy_wh_min" double precision,
	"energy_wh_max" double precision,
	"voltage_v_sum" double precision,
	"voltage_v_count" integer DEFAULT 0 NOT NULL,
	"voltage_v_min" double precision,
	"voltage_v_max" double precision,
	"current_a_sum" double precision,
	"current_a_count" integer DEFAULT 0 NOT NULL,
	"current_a_min" double precision,
	"current_a_max" double precision,
	"power_factor_sum" double precision,
	"power_factor_count" integer DEFAULT 0 NOT NULL,
	"power_factor_min" double precision,
	"power_factor_max" double precision,
	"thd_pct_sum" double precision,
	"thd_pct_count" integer DEFAULT 0 NOT NULL,
	"thd_pct_min" double precision,
	"thd_pct_max" double precision,
	"integral_wh" double precision DEFAULT 0 NOT NULL,
	"covered_ms" double precision DEFAULT 0 NOT NULL,
	"readings" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "reading_rollups_daily_meter_id_day_pk" PRIMARY KEY("meter_id","day")
);
--> statement-breakpoint
CREATE TABLE "reading_rollups_hourly" (
	"meter_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"power_w_sum" double precision,
	"power_w_count" integer DEFAULT 0 NOT NULL,
	"power_w_min" double precision,
	"power_w_max" double precision,
	"energy_wh_sum" double precision,
	"energy_wh_count" integer DEFAULT 0 NOT NULL,
	"energy_wh_min" double precision,
	"energy_wh_max" double precision,
	"voltage_v_sum" double precision,
	"voltage_v_count" integer DEFAULT 0 NOT NULL,
	"voltage_v_min" double precision,
	"voltage_v_max" double precision,
	"current_a_sum" double precision,
	"current_a_count" integer DEFAULT 0 NOT NULL,
	"current_a_min" double precision,
	"current_a_max" double precision,
	"power_factor_sum" double precision,
	"power_factor_count" integer DEFAULT 0 NOT NULL,
	"power_factor_min" double precision,
	"power_factor_max" double precision,
	"thd_pct_sum" double precision,
	"thd_pct_count" integer DEFAULT 0 NOT NULL,
	"thd_pct_min" double precision,
	"thd_pct_max" double precision,
	"integral_wh" double precision DEFAULT 0 NOT NULL,
	"covered_ms" double precision DEFAULT 0 NOT NULL,
	"readings" integer DEFAULT 0 NOT NULL,
	"quarter_wh" double precision[] NOT NULL,
	CONSTRAINT "reading_rollups_hourly_meter_id_hour_pk" PRIMARY KEY("meter_id","hour")
);
--> statement-breakpoint
ALTER TABLE "meters" ADD COLUMN "reading_interval_ms" double precision;--> statement-breakpoint
ALTER TABLE "meters" ADD COLUMN "rollups_ready" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "meters" ADD COLUMN "raw_kept_from" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "reading_rollups_daily" ADD CONSTRAINT "reading_rollups_daily_meter_id_meters_id_fk" FOREIGN KEY ("meter_id") REFERENCES "public"."meters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reading_rollups_hourly" ADD CONSTRAINT "reading_rollups_hourly_meter_id_meters_id_fk" FOREIGN KEY ("meter_id") REFERENCES "public"."meters"("id") ON DELETE cascade ON UPDATE no action;