import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { chatSettings } from "../db/schema";
import type { ChatSettings } from "./contract";

export async function findChatSettings(db: Database, ownerId: string): Promise<ChatSettings | undefined> {
  const [row] = await db.select().from(chatSettings).where(eq(chatSettings.ownerId, ownerId));
  return row && { rules: row.rules, askTimeoutSeconds: row.askTimeoutSeconds };
}

export async function upsertChatSettings(db: Database, ownerId: string, settings: ChatSettings): Promise<void> {
  await db
    .insert(chatSettings)
    .values({ ownerId, ...settings })
    .onConflictDoUpdate({ target: chatSettings.ownerId, set: { ...settings, updatedAt: new Date() } });
}
