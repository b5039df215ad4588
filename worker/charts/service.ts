import type { Actor } from "../actor";
import type { Deleted } from "../api-contract";
import { notFound } from "../errors";
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
export async function requireChart({ db, userId }: Actor, id: string): Promise<ChartRow> {
  const chart = await queries.getChart(db, userId, id);
  if (!chart) throw notFound("Chart");
  return chart;
}

/** A chart sits on one of the user's tabs: a missing and a foreign tab both get 404. */
async function requireOwnTab({ db, userId }: Actor, tabId: string): Promise<void> {
  if (!(await getTab(db, userId, tabId))) throw notFound("Tab");
}

/** A chart never points at someone else's meter: a missing and a foreign meter both get 404. */
export async function requireOwnMeters({ db, userId }: Actor, spec: ChartSpec): Promise<void> {
  if (!(await queries.ownsMeters(db, userId, spec.meterIds))) throw notFound("Meter");
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
  await requireOwnTab(actor, chart.tabId);
  await requireOwnMeters(actor, chart.spec);
  // Stat cards are a few lines of text: a plot's height would leave most of the card empty.
  const layout =
    chart.layout ?? (await queries.nextFreeLayout(actor.db, chart.tabId, chart.spec.chartType === "summary" ? 5 : PLOT_HEIGHT));
  return chartPayload(await queries.insertChart(actor.db, actor.userId, { ...chart, layout, provenance: chart.provenance ?? null }));
}

export async function getChart(actor: Actor, id: string): Promise<Chart> {
  return chartPayload(await requireChart(actor, id));
}

/** Moving to another tab without a layout puts the chart below that tab's charts. */
export async function updateChart(actor: Actor, id: string, changes: UpdateChartBody): Promise<Chart> {
  const current = await requireChart(actor, id);
  const tabId = changes.tabId !== undefined && changes.tabId !== current.tabId ? changes.tabId : undefined;
  if (tabId) await requireOwnTab(actor, tabId);
  if (changes.spec) await requireOwnMeters(actor, changes.spec);
  const layout = changes.layout ?? (tabId ? await queries.nextFreeLayout(actor.db, tabId, current.layout.h) : undefined);
  const row = await queries.updateChart(actor.db, actor.userId, id, { title: changes.title, spec: changes.spec, layout, tabId });
  if (!row) throw notFound("Chart");
  return chartPayload(row);
}

/** Deletes the chart and kills its public links. */
export async function deleteChart({ db, userId }: Actor, id: string): Promise<Deleted> {
  if (!(await queries.deleteChart(db, userId, id))) throw notFound("Chart");
  await revokeSharesOf(db, userId, [id]);
  return { deleted: true };
}
