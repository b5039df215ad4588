CREATE TABLE "meters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"name" text NOT NULL,
	"timezone" text NOT NULL,
	"kind" text DEFAULT 'site' NOT NULL,
	"parent_id" uuid,
	"webhook_key_version" integer DEFAULT 1 NOT NULL,
	"previous_key_version" integer,
	"previous_key_expires_at" timestamp with time zone,
	"last_reading_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "readings" (
	"meter_id" uuid NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"power_w" double precision,
	"energy_wh" double precision,
	"voltage_v" double precision,
	"current_a" double precision,
	"power_factor" double precision,
	"thd_pct" double precision,
	CONSTRAINT "readings_meter_id_ts_pk" PRIMARY KEY("meter_id","ts")
);
--> statement-breakpoint
ALTER TABLE "meters" ADD CONSTRAINT "meters_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meters" ADD CONSTRAINT "meters_parent_id_meters_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."meters"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "readings" ADD CONSTRAINT "readings_meter_id_meters_id_fk" FOREIGN KEY ("meter_id") REFERENCES "public"."meters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "meters_owner_idx" ON "meters" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "meters_parent_idx" ON "meters" USING btree ("parent_id");