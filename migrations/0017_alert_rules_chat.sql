ALTER TABLE "alert_rules" ADD COLUMN "chat_context" jsonb;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "alert_rule_id" uuid;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_alert_rule_id_alert_rules_id_fk" FOREIGN KEY ("alert_rule_id") REFERENCES "public"."alert_rules"("id") ON DELETE set null ON UPDATE no action;