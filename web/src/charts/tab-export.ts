import { strToU8, zipSync } from "fflate";
import type { Chart } from "../api/wattboard";
import type { PlotHandle } from "./ChartPlot";
import { fileSafe, type PlacedPicture, tabPicture } from "./download";

/** A chart of the open tab with what it can export (absent while it has not mounted). */
export interface ExportableChart {
  chart: Chart;
  handle: PlotHandle | undefined;
}

/**
 * The tab's charts as one ZIP of CSV files, one per chart as its own "Export CSV" gives it (their
 * columns differ by chart type, so one file would not be a table), named by title, in tab order.
 * A ZIP opens with a double click on every desktop; charts without data yet are left out.
 */
export function tabCsvZip(charts: ExportableChart[]): Uint8Array | null {
  const files: Record<string, Uint8Array> = {};
  for (const { chart, handle } of charts) {
    const csv = handle?.csv();
    if (!csv) continue;
    let name = fileSafe(chart.title);
    for (let n = 2; `${name}.csv` in files; n++) name = `${fileSafe(chart.title)}-${n}`;
    files[`${name}.csv`] = strToU8(csv);
  }
  return Object.keys(files).length ? zipSync(files) : null;
}

/**
 * The tab as one PNG (a data URL): its title, then every chart's picture where its card is on the
 * dashboard. `grid` is the element holding the cards (each `[data-chart-id]`).
 */
export async function tabPng(title: string, charts: ExportableChart[], grid: HTMLElement): Promise<string | null> {
  const origin = grid.getBoundingClientRect();
  const pictures: PlacedPicture[] = [];
  for (const { chart, handle } of charts) {
    const card = grid.querySelector<HTMLElement>(`[data-chart-id="${chart.id}"]`);
    const url = card && (await handle?.picture(chart.title));
    if (!card || !url) continue;
    const box = card.getBoundingClientRect();
    pictures.push({ url, x: box.left - origin.left, y: box.top - origin.top, width: box.width, height: box.height });
  }
  if (pictures.length === 0) return null;
  const height = Math.max(...pictures.map((p) => p.y + p.height));
  return tabPicture(title, pictures, origin.width, height);
}
