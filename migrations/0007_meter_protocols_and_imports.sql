CREATE TABLE "energy_registers" (
	"meter_id" uuid NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"total_wh" double precision NOT NULL,
	CONSTRAINT "energy_registers_meter_id_ts_pk" PRIMARY KEY("meter_id","ts")
);
--> statement-breakpoint
CREATE TABLE "ignored_fields" (
	"meter_id" uuid NOT NULL,
	"field" text NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "ignored_fields_meter_id_field_pk" PRIMARY KEY("meter_id","field")
);
--> statement-breakpoint
CREATE TABLE "meter_write_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"meter_id" uuid NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "reading_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"meter_id" uuid NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"format" text NOT NULL,
	"unit" text,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"rows_stored" integer DEFAULT 0 NOT NULL,
	"duplicates" integer DEFAULT 0 NOT NULL,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"failure" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "meters" ADD COLUMN "external_id" text;--> statement-breakpoint
ALTER TABLE "energy_registers" ADD CONSTRAINT "energy_registers_meter_id_meters_id_fk" FOREIGN KEY ("meter_id") REFERENCES "public"."meters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ignored_fields" ADD CONSTRAINT "ignored_fields_meter_id_meters_id_fk" FOREIGN KEY ("meter_id") REFERENCES "public"."meters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meter_write_tokens" ADD CONSTRAINT "meter_write_tokens_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meter_write_tokens" ADD CONSTRAINT "meter_write_tokens_meter_id_meters_id_fk" FOREIGN KEY ("meter_id") REFERENCES "public"."meters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reading_imports" ADD CONSTRAINT "reading_imports_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reading_imports" ADD CONSTRAINT "reading_imports_meter_id_meters_id_fk" FOREIGN KEY ("meter_id") REFERENCES "public"."meters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "meter_write_tokens_hash_idx" ON "meter_write_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "meter_write_tokens_meter_idx" ON "meter_write_tokens" USING btree ("meter_id");--> statement-breakpoint
CREATE INDEX "reading_imports_meter_idx" ON "reading_imports" USING btree ("meter_id");--> statement-breakpoint
CREATE UNIQUE INDEX "meters_parent_external_id_idx" ON "meters" USING btree ("parent_id","external_id");