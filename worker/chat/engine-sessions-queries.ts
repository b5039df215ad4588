import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { chatEngineSessions } from "../db/schema";
import type { EngineTurnContext } from "./contract";

export type ChatEngineSessionRow = typeof chatEngineSessions.$inferSelect;

const ofChat = (ownerId: string, chatSessionId: string, engine: string) =>
  and(eq(chatEngineSessions.ownerId, ownerId), eq(chatEngineSessions.chatSessionId, chatSessionId), eq(chatEngineSessions.engine, engine));

export async function findEngineSession(
  db: Database,
  ownerId: string,
  chatSessionId: string,
  engine: string,
): Promise<ChatEngineSessionRow | undefined> {
  const [row] = await db
    .select()
    .from(chatEngineSessions)
    .where(ofChat(ownerId, chatSessionId, engine));
  return row;
}

/** The engine's session id is its only key: this is how a tool call finds its user. */
export async function findByEngineSessionId(db: Database, engineSessionId: string): Promise<ChatEngineSessionRow | undefined> {
  const [row] = await db.select().from(chatEngineSessions).where(eq(chatEngineSessions.engineSessionId, engineSessionId));
  return row;
}

/** Points the chat at a (new) engine session, replacing the one it had: after compression or a lost server. */
export async function linkEngineSession(
  db: Database,
  ownerId: string,
  chatSessionId: string,
  engine: string,
  engineSessionId: string,
): Promise<void> {
  // One statement, so two turns racing to link the same chat cannot both insert.
  await db
    .insert(chatEngineSessions)
    .values({ engineSessionId, ownerId, chatSessionId, engine })
    .onConflictDoUpdate({
      target: [chatEngineSessions.ownerId, chatEngineSessions.chatSessionId, chatEngineSessions.engine],
      set: { engineSessionId, turn: null, updatedAt: new Date() },
    });
}

export async function setEngineTurn(db: Database, engineSessionId: string, turn: EngineTurnContext | null): Promise<void> {
  await db.update(chatEngineSessions).set({ turn, updatedAt: new Date() }).where(eq(chatEngineSessions.engineSessionId, engineSessionId));
}

export async function deleteEngineSessions(db: Database, ownerId: string, chatSessionId: string): Promise<void> {
  await db
    .delete(chatEngineSessions)
    .where(and(eq(chatEngineSessions.ownerId, ownerId), eq(chatEngineSessions.chatSessionId, chatSessionId)));
}
