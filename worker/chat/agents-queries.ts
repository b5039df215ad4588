import { and, asc, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { agents } from "../db/schema";
import type { ToolPermissions } from "./contract";

export type AgentRow = typeof agents.$inferSelect;

const byOwner = (ownerId: string, id: string) => and(eq(agents.id, id), eq(agents.ownerId, ownerId));

export function listAgents(db: Database, ownerId: string): Promise<AgentRow[]> {
  return db.select().from(agents).where(eq(agents.ownerId, ownerId)).orderBy(asc(agents.createdAt));
}

export async function getAgent(db: Database, ownerId: string, id: string): Promise<AgentRow | undefined> {
  const [row] = await db.select().from(agents).where(byOwner(ownerId, id));
  return row;
}

export async function createAgent(
  db: Database,
  ownerId: string,
  agent: { name: string; instructions: string; permissions: ToolPermissions },
): Promise<AgentRow> {
  const [row] = await db
    .insert(agents)
    .values({ ownerId, ...agent })
    .returning();
  return row;
}

export async function updateAgent(
  db: Database,
  ownerId: string,
  id: string,
  changes: Partial<{ name: string; instructions: string; permissions: ToolPermissions }>,
): Promise<AgentRow | undefined> {
  const [row] = await db
    .update(agents)
    .set({ ...changes, updatedAt: new Date() })
    .where(byOwner(ownerId, id))
    .returning();
  return row;
}

export async function deleteAgent(db: Database, ownerId: string, id: string): Promise<boolean> {
  return (await db.delete(agents).where(byOwner(ownerId, id)).returning({ id: agents.id })).length > 0;
}
