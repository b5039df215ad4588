import type { Actor } from "../actor";
import type { Deleted } from "../api-contract";
import { chartPayload } from "../charts/service";
import { notFound } from "../errors";
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
export async function requireTab({ db, userId }: Actor, id: string): Promise<TabRow> {
  const tab = await queries.getTab(db, userId, id);
  if (!tab) throw notFound("Tab");
  return tab;
}

/** The user's tabs in display order. */
export async function listTabs({ db, userId }: Actor): Promise<TabList> {
  return { tabs: (await queries.listTabs(db, userId)).map(tabPayload) };
}

/** New tabs go last. */
export async function createTab({ db, userId }: Actor, title: string): Promise<Tab> {
  return tabPayload(await queries.createTab(db, userId, title));
}

export async function getTab({ db, userId }: Actor, id: string): Promise<TabWithCharts> {
  const tab = await queries.getTabWithCharts(db, userId, id);
  if (!tab) throw notFound("Tab");
  return { ...tabPayload(tab), charts: tab.charts.map(chartPayload) };
}

/** Renames and/or reorders: `position` is the tab's new index, the others move up or down. */
export async function updateTab({ db, userId }: Actor, id: string, changes: UpdateTabBody): Promise<Tab> {
  const tab = await queries.updateTab(db, userId, id, changes);
  if (!tab) throw notFound("Tab");
  return tabPayload(tab);
}

/** Deletes the tab with its charts, and kills the public links to any of them. */
export async function deleteTab({ db, userId }: Actor, id: string): Promise<Deleted> {
  const chartIds = await queries.deleteTab(db, userId, id);
  if (!chartIds) throw notFound("Tab");
  await revokeSharesOf(db, userId, [id, ...chartIds]);
  return { deleted: true };
}
