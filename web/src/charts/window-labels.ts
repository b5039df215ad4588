import type { RELATIVE_WINDOWS, TimeWindow } from "../../../worker/charts/chart-spec-contract";

export const WINDOW_LABELS: Record<(typeof RELATIVE_WINDOWS)[number], string> = {
  last_hour: "Last hour",
  last_24h: "Last 24 h",
  last_7d: "Last 7 days",
  last_30d: "Last 30 days",
  this_month: "This month",
  this_year: "This year",
};

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function windowLabel(window: TimeWindow): string {
  if (window.kind === "relative") return WINDOW_LABELS[window.preset];
  return `${dateFormat.format(new Date(window.from))} – ${dateFormat.format(new Date(window.to))}`;
}

/** Value for <input type="datetime-local"> (the browser's local time) and back to an ISO instant. */
export function toLocalInput(iso: string): string {
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

export function fromLocalInput(value: string): string {
  return new Date(value).toISOString();
}
