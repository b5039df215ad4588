import type { ChartRow } from "../db/charts";
import type { TabRow } from "../db/tabs";
import type { Chart } from "../schemas/charts";
import type { Tab } from "../schemas/tabs";

/** Database rows to API payloads: ISO timestamps, no owner ids. */
export function tabDto(row: TabRow): Tab {
  return { id: row.id, title: row.title, position: row.position, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

export function chartDto(row: ChartRow): Chart {
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
