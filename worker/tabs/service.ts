import type { Actor } from "../actor";
import type { Deleted } from "../api-contract";
import { chartPayload } from "../charts/service";
import { notFound } from "../errors";
import { announceChange } from "../homes/live";
import { requireRole } from "../homes/policy";
import { revokeSharesOf } from "../shares/queries";
import type { Tab, TabList, TabWithCharts, UpdateTabBody } from "./contract";
import type { TabRow } from "./queries";
import * as queries from "./queries";

/** A row as the API shows it: ISO timestamps, no owner id. */
export function tabPayload(row: TabRow): Tab {
  return {
    id: row.id,
    title: row.title,
    position: row.position,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The user's tab, or the 404 that a missing and another user's tab both get. */
export async function requireTab({ db, homeId }: Actor, id: string): Promise<TabRow> {
  const tab = await queries.getTab(db, homeId, id);
  if (!tab) throw notFound("Tab");
  return tab;
}

/** The user's tabs in display order. */
export async function listTabs({ db, homeId }: Actor): Promise<TabList> {
  return { tabs: (await queries.listTabs(db, homeId)).map(tabPayload) };
}

/** New tabs go last. */
export async function createTab(actor: Actor, title: string): Promise<Tab> {
  requireRole(actor, "editor");
  const tab = await queries.createTab(actor.db, actor.homeId, title);
  await announceChange(actor, { kind: "tab", id: tab.id, action: "created", tabId: tab.id }, { title: tab.title });
  return tabPayload(tab);
}

export async function getTab({ db, homeId }: Actor, id: string): Promise<TabWithCharts> {
  const tab = await queries.getTabWithCharts(db, homeId, id);
  if (!tab) throw notFound("Tab");
  return { ...tabPayload(tab), charts: tab.charts.map(chartPayload) };
}

/** Renames and/or reorders: `position` is the tab's new index, the others move up or down. */
export async function updateTab(actor: Actor, id: string, changes: UpdateTabBody): Promise<Tab> {
  requireRole(actor, "editor");
  const tab = await queries.updateTab(actor.db, actor.homeId, id, changes);
  if (!tab) throw notFound("Tab");
  await announceChange(actor, { kind: "tab", id, action: "updated", tabId: id }, { title: tab.title });
  return tabPayload(tab);
}

/** Deletes the tab with its charts, and kills the public links to any of them. */
export async function deleteTab(actor: Actor, id: string): Promise<Deleted> {
  requireRole(actor, "editor");
  const { db, homeId } = actor;
  const chartIds = await queries.deleteTab(db, homeId, id);
  if (!chartIds) throw notFound("Tab");
  await revokeSharesOf(db, homeId, [id, ...chartIds]);
  await announceChange(actor, { kind: "tab", id, action: "deleted", tabId: id });
  return { deleted: true };
}
