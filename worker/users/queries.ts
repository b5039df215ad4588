import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { users } from "../db/schema";
import type { AuthenticatedUser } from "../env";
import { ensurePersonalHome } from "../homes/queries";

// Users already written by this isolate: the upsert runs once per user per isolate, not per request.
const knownUserIds = new Set<string>();
const KNOWN_USERS_LIMIT = 10_000;

export async function ensureUser(db: Database, user: AuthenticatedUser): Promise<void> {
  if (knownUserIds.has(user.id)) return;
  await db
    .insert(users)
    .values({ id: user.id, email: user.email })
    .onConflictDoUpdate({ target: users.id, set: { email: sql`coalesce(excluded.email, ${users.email})` } });
  await ensurePersonalHome(db, user.id);
  if (knownUserIds.size >= KNOWN_USERS_LIMIT) knownUserIds.clear();
  knownUserIds.add(user.id);
}
