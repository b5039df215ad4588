import { userHub } from "../../durable-objects/user-hub/stub";
import type { Actor } from "../actor";
import type { Deleted } from "../api-contract";
import { audit } from "../audit/service";
import type { Env } from "../env";
import { ApiError, notFound } from "../errors";
import type { AcceptedInvite, CreateInviteBody, Home, HomeRole, Invite, Member } from "./contract";
import { requireRole } from "./policy";
import * as queries from "./queries";

/** How long an invite link works. */
export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const personalHomeRule = () =>
  new ApiError(409, "personal_home", "A personal home always keeps its person as an owner: it cannot be deleted, left or given away");
const lastOwner = () => new ApiError(409, "last_owner", "A home needs an owner: make another member an owner first, or delete the home");

export async function listHomes(actor: Actor): Promise<Home[]> {
  const rows = await queries.listHomesOf(actor.db, actor.userId);
  return rows.map((row) => ({ ...row, personal: row.id === actor.userId }));
}

/** Anyone may start a home: they are its first owner. */
export async function createHome(actor: Actor, name: string): Promise<Home> {
  const home = await queries.createHome(actor.db, actor.userId, name);
  await audit({ ...actor, homeId: home.id, role: "owner" }, "home.create", { kind: "home", id: home.id }, { name });
  return { id: home.id, name: home.name, role: "owner", personal: false };
}

export async function renameHome(actor: Actor, name: string): Promise<Home> {
  requireRole(actor, "owner");
  const home = await queries.renameHome(actor.db, actor.homeId, name);
  if (!home) throw notFound("Home");
  await audit(actor, "home.rename", { kind: "home", id: home.id }, { name });
  return { id: home.id, name: home.name, role: actor.role, personal: home.id === actor.userId };
}

/** Deletes the home and everything in it (meters, readings, tabs, charts…); its members are disconnected. */
export async function deleteHome(actor: Actor): Promise<Deleted> {
  requireRole(actor, "owner");
  if (actor.homeId === actor.userId) throw personalHomeRule();
  const members = await queries.memberIds(actor.db, actor.homeId);
  await queries.deleteHome(actor.db, actor.homeId);
  for (const member of members) if (member !== actor.userId) await disconnect(actor, member);
  return { deleted: true };
}

export async function listMembers(actor: Actor): Promise<Member[]> {
  const rows = await queries.listMembers(actor.db, actor.homeId);
  return rows.map((row) => ({ userId: row.userId, email: row.email, role: row.role, since: row.since.toISOString() }));
}

export async function changeRole(actor: Actor, userId: string, role: HomeRole): Promise<Member> {
  requireRole(actor, "owner");
  if (userId === actor.homeId && role !== "owner") throw personalHomeRule();
  const outcome = await queries.setRole(actor.db, actor.homeId, userId, role);
  if (outcome === "missing") throw notFound("Member");
  if (outcome === "last_owner") throw lastOwner();
  await audit(actor, "member.role", { kind: "member", id: userId }, { role });
  const member = (await listMembers(actor)).find((m) => m.userId === userId);
  if (!member) throw notFound("Member");
  return member;
}

/**
 * An owner removes a member, or a member leaves (removes themself, whatever their role). The
 * removed person's open sockets close at once and their unused tickets are refused.
 */
export async function removeMember(actor: Actor, userId: string): Promise<Deleted> {
  const leaving = userId === actor.userId;
  if (!leaving) requireRole(actor, "owner");
  if (userId === actor.homeId) throw personalHomeRule();
  const outcome = await queries.removeMember(actor.db, actor.homeId, userId);
  if (outcome === "missing") throw notFound("Member");
  if (outcome === "last_owner") throw lastOwner();
  await audit(actor, leaving ? "member.leave" : "member.remove", { kind: "member", id: userId });
  await disconnect(actor, userId);
  return { deleted: true };
}

async function disconnect(actor: Actor, userId: string): Promise<void> {
  await userHub(actor.env, userId)
    .disconnect("removed from a home")
    .catch((error: Error) => console.error(`homes: could not disconnect a removed member: ${error.message}`));
}

const encoder = new TextEncoder();

async function tokenHash(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(token)));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A single-use link, good for 7 days; the token is shown once (only its hash is kept). */
export async function createInvite(actor: Actor, { role, email }: CreateInviteBody, now = new Date()): Promise<Invite> {
  requireRole(actor, "owner");
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const token = btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
  const expiresAt = new Date(now.getTime() + INVITE_TTL_MS);
  const invite = await queries.insertInvite(actor.db, {
    homeId: actor.homeId,
    role,
    tokenHash: await tokenHash(token),
    createdBy: actor.userId,
    expiresAt,
  });
  const url = new URL(`/invite/${token}`, actor.origin).toString();
  const emailed = email ? await emailInvite(actor.env, email, url) : false;
  await audit(actor, "member.invite", { kind: "invite", id: invite.id }, { role, emailed });
  return { token, url, role, expiresAt: expiresAt.toISOString(), emailed };
}

/**
 * Supabase's invite e-mail (its admin API, with the service role key), whose sign-in lands on the
 * invite link. Only with Supabase configured; a refusal (the address has an account already, the
 * e-mail quota) leaves the link to be copied, so it is logged by status and never throws.
 */
export async function emailInvite(env: Env, email: string, url: string): Promise<boolean> {
  if (!env.SUPABASE_URL || !env.SUPABASE_SERVICE_ROLE_KEY) return false;
  const endpoint = new URL(`${env.SUPABASE_URL.replace(/\/+$/, "")}/auth/v1/invite`);
  endpoint.searchParams.set("redirect_to", url);
  const key = env.SUPABASE_SERVICE_ROLE_KEY;
  try {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { apikey: key, Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      body: JSON.stringify({ email }),
    });
    if (!response.ok) console.error(`homes: Supabase refused an invite e-mail (${response.status})`);
    return response.ok;
  } catch (error) {
    console.error(`homes: could not reach Supabase for an invite e-mail: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

/** Joins the invite's home: 404 for an unknown link, 410 once used or expired. */
export async function acceptInvite(actor: Actor, token: string, now = new Date()): Promise<AcceptedInvite> {
  const invite = /^[A-Za-z0-9_-]{43}$/.test(token) ? await queries.findInvite(actor.db, await tokenHash(token)) : undefined;
  if (!invite) throw notFound("Invite");
  const gone = () => new ApiError(410, "invite_gone", "This invite was used or has expired: ask the home's owner for a new link");
  if (invite.usedAt || invite.expiresAt <= now) throw gone();
  const role = await queries.consumeInvite(actor.db, invite.id, actor.userId, now);
  if (!role) throw gone();
  await audit({ ...actor, homeId: invite.homeId, role }, "member.join", { kind: "member", id: actor.userId }, { role });
  return { homeId: invite.homeId, role };
}
