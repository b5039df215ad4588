CREATE TABLE "audit_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"home_id" uuid NOT NULL,
	"actor_id" uuid,
	"action" text NOT NULL,
	"target_kind" text NOT NULL,
	"target_id" text,
	"detail" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "home_invites" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"home_id" uuid NOT NULL,
	"role" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_by" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"used_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "home_members" (
	"home_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "home_members_home_id_user_id_pk" PRIMARY KEY("home_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "homes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"raw_retention_days" smallint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- Every existing user gets a personal home with the user's own id, so the rows whose owner_id is
-- that id belong to it once the foreign keys below point at homes instead of users.
INSERT INTO "homes" ("id", "name", "raw_retention_days", "created_at") SELECT "id", 'My home', "raw_retention_days", "created_at" FROM "users";
--> statement-breakpoint
INSERT INTO "home_members" ("home_id", "user_id", "role", "created_at") SELECT "id", "id", 'owner', "created_at" FROM "users";
--> statement-breakpoint
ALTER TABLE "alert_rule_events" DROP CONSTRAINT "alert_rule_events_owner_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "alert_rules" DROP CONSTRAINT "alert_rules_owner_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "charts" DROP CONSTRAINT "charts_owner_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "meter_write_tokens" DROP CONSTRAINT "meter_write_tokens_owner_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "meters" DROP CONSTRAINT "meters_owner_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "model_runs" DROP CONSTRAINT "model_runs_owner_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "reading_imports" DROP CONSTRAINT "reading_imports_owner_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "report_schedules" DROP CONSTRAINT "report_schedules_owner_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "reports" DROP CONSTRAINT "reports_owner_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "shares" DROP CONSTRAINT "shares_owner_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "tabs" DROP CONSTRAINT "tabs_owner_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "tariffs" DROP CONSTRAINT "tariffs_owner_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_home_id_homes_id_fk" FOREIGN KEY ("home_id") REFERENCES "public"."homes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "home_invites" ADD CONSTRAINT "home_invites_home_id_homes_id_fk" FOREIGN KEY ("home_id") REFERENCES "public"."homes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "home_invites" ADD CONSTRAINT "home_invites_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "home_invites" ADD CONSTRAINT "home_invites_used_by_users_id_fk" FOREIGN KEY ("used_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "home_members" ADD CONSTRAINT "home_members_home_id_homes_id_fk" FOREIGN KEY ("home_id") REFERENCES "public"."homes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "home_members" ADD CONSTRAINT "home_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_events_home_at_idx" ON "audit_events" USING btree ("home_id","at");--> statement-breakpoint
CREATE INDEX "audit_events_at_idx" ON "audit_events" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "home_invites_token_hash_idx" ON "home_invites" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "home_invites_home_idx" ON "home_invites" USING btree ("home_id");--> statement-breakpoint
CREATE INDEX "home_members_user_idx" ON "home_members" USING btree ("user_id");--> statement-breakpoint
ALTER TABLE "alert_rule_events" ADD CONSTRAINT "alert_rule_events_owner_id_homes_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."homes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_owner_id_homes_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."homes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "charts" ADD CONSTRAINT "charts_owner_id_homes_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."homes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meter_write_tokens" ADD CONSTRAINT "meter_write_tokens_owner_id_homes_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."homes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meters" ADD CONSTRAINT "meters_owner_id_homes_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."homes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_runs" ADD CONSTRAINT "model_runs_owner_id_homes_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."homes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reading_imports" ADD CONSTRAINT "reading_imports_owner_id_homes_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."homes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_schedules" ADD CONSTRAINT "report_schedules_owner_id_homes_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."homes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_owner_id_homes_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."homes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shares" ADD CONSTRAINT "shares_owner_id_homes_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."homes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tabs" ADD CONSTRAINT "tabs_owner_id_homes_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."homes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tariffs" ADD CONSTRAINT "tariffs_owner_id_homes_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."homes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "raw_retention_days";