CREATE TABLE "chat_engine_sessions" (
	"engine_session_id" text PRIMARY KEY NOT NULL,
	"owner_id" uuid NOT NULL,
	"chat_session_id" text NOT NULL,
	"engine" text NOT NULL,
	"turn" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "chat_engine_sessions" ADD CONSTRAINT "chat_engine_sessions_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "chat_engine_sessions_chat_idx" ON "chat_engine_sessions" USING btree ("owner_id","chat_session_id","engine");