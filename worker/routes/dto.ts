import type { ChartRow } from "../charts/queries";
import type { TabRow } from "../tabs/queries";
import type { Chart } from "../charts/contract";
import type { Tab } from "../tabs/contract";

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
