import type { Actor } from "../actor";
import type { Deleted } from "../api-contract";
import { notFound } from "../errors";
import { announceChange } from "../homes/live";
import { requireRole } from "../homes/policy";
import { revokeSharesOf } from "../shares/queries";
import { getTab } from "../tabs/queries";
import type { ChartLayout, ChartProvenance, ChartSpec } from "./chart-spec-contract";
import type { Chart, UpdateChartBody } from "./contract";
import type { ChartRow } from "./queries";
import * as queries from "./queries";

/** A row as the API shows it: ISO timestamps, no owner id. */
export function chartPayload(row: ChartRow): Chart {
  return {
    id: row.id,
    tabId: row.tabId,
    title: row.title,
    spec: row.spec,
    layout: row.layout,
    source: row.source,
    provenance: row.provenance,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The user's chart, or the 404 that a missing and another user's chart both get. */
export async function requireChart({ db, homeId }: Actor, id: string): Promise<ChartRow> {
  const chart = await queries.getChart(db, homeId, id);
  if (!chart) throw notFound("Chart");
  return chart;
}

/** A chart sits on one of the user's tabs: a missing and a foreign tab both get 404. */
async function requireOwnTab({ db, homeId }: Actor, tabId: string): Promise<void> {
  if (!(await getTab(db, homeId, tabId))) throw notFound("Tab");
}

/** A chart never points at someone else's meter: a missing and a foreign meter both get 404. */
export async function requireOwnMeters({ db, homeId }: Actor, spec: ChartSpec): Promise<void> {
  if (!(await queries.ownsMeters(db, homeId, spec.meterIds))) throw notFound("Meter");
}

/** A new plot's height in grid rows. */
const PLOT_HEIGHT = 8;

export interface NewChart {
  tabId: string;
  title: string;
  spec: ChartSpec;
  /** Omitted: below the tab's other charts. */
  layout?: ChartLayout;
  source: "manual" | "chat";
  provenance?: ChartProvenance;
}

export async function createChart(actor: Actor, chart: NewChart): Promise<Chart> {
  requireRole(actor, "editor");
  await requireOwnTab(actor, chart.tabId);
  await requireOwnMeters(actor, chart.spec);
  // Stat cards are a few lines of text: a plot's height would leave most of the card empty.
  const layout =
    chart.layout ?? (await queries.nextFreeLayout(actor.db, chart.tabId, chart.spec.chartType === "summary" ? 5 : PLOT_HEIGHT));
  const row = await queries.insertChart(actor.db, actor.homeId, { ...chart, layout, provenance: chart.provenance ?? null });
  await announceChange(actor, { kind: "chart", id: row.id, action: "created", tabId: row.tabId }, { title: row.title });
  return chartPayload(row);
}

export async function getChart(actor: Actor, id: string): Promise<Chart> {
  return chartPayload(await requireChart(actor, id));
}

/** Moving to another tab without a layout puts the chart below that tab's charts. */
export async function updateChart(actor: Actor, id: string, changes: UpdateChartBody): Promise<Chart> {
  requireRole(actor, "editor");
  const current = await requireChart(actor, id);
  const tabId = changes.tabId !== undefined && changes.tabId !== current.tabId ? changes.tabId : undefined;
  if (tabId) await requireOwnTab(actor, tabId);
  if (changes.spec) await requireOwnMeters(actor, changes.spec);
  const layout = changes.layout ?? (tabId ? await queries.nextFreeLayout(actor.db, tabId, current.layout.h) : undefined);
  const row = await queries.updateChart(actor.db, actor.homeId, id, { title: changes.title, spec: changes.spec, layout, tabId });
  if (!row) throw notFound("Chart");
  await announceChange(actor, { kind: "chart", id, action: "updated", tabId: row.tabId }, { title: row.title });
  return chartPayload(row);
}

/** Deletes the chart and kills its public links. */
export async function deleteChart(actor: Actor, id: string): Promise<Deleted> {
  requireRole(actor, "editor");
  const { db, homeId } = actor;
  const chart = await requireChart(actor, id);
  if (!(await queries.deleteChart(db, homeId, id))) throw notFound("Chart");
  await revokeSharesOf(db, homeId, [id]);
  await announceChange(actor, { kind: "chart", id, action: "deleted", tabId: chart.tabId });
  return { deleted: true };
}
