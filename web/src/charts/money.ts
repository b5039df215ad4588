import type { Metric } from "../../../worker/charts/chart-spec-contract";
import type { MeterSummary } from "../../../worker/costs/contract";
import { formatEnergy, formatMoney } from "../../../worker/costs/money-contract";
import type { PublicMeterSummary } from "../../../worker/shares/contract";
import { PALETTE } from "./palette";

/** The periods a breakdown offers, as the window presets that stand for them (see breakdownPeriodOf). */
export const BREAKDOWN_PERIODS = [
  { preset: "last_24h", label: "Today" },
  { preset: "last_7d", label: "This week" },
  { preset: "this_month", label: "This month" },
  { preset: "this_year", label: "This year" },
] as const;

export const PERIOD_LABELS: Record<MeterSummary["period"]["kind"], { current: string; previous: string }> = {
  day: { current: "Today", previous: "yesterday" },
  week: { current: "This week", previous: "last week" },
  month: { current: "This month", previous: "last month" },
  year: { current: "This year", previous: "last year" },
};

/** "This week" while the period is in progress; its dates once it is over (a breakdown of a custom range). */
export function periodTitle(period: MeterSummary["period"], timezone: string, now = Date.now()): string {
  if (now < Date.parse(period.to)) return PERIOD_LABELS[period.kind].current;
  const date = (iso: string) =>
    new Intl.DateTimeFormat(undefined, { timeZone: timezone, day: "numeric", month: "short", year: "numeric" }).format(new Date(iso));
  // The period ends at the first instant after it: its last day starts a moment before.
  const lastDay = new Date(Date.parse(period.to) - 1).toISOString();
  return period.kind === "day" ? date(period.from) : `${date(period.from)} – ${date(lastDay)}`;
}

function moneyFormat(currency: string, digits: number): Intl.NumberFormat | null {
  try {
    return new Intl.NumberFormat(undefined, {
      style: "currency",
      currency,
      currencyDisplay: "narrowSymbol",
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
  } catch {
    return null;
  }
}

/** "£" for GBP, "€" for EUR; the code itself for a currency the browser has no symbol for. */
export function currencySymbol(currency: string): string {
  return (
    moneyFormat(currency, 2)
      ?.formatToParts(0)
      .find((part) => part.type === "currency")?.value ?? currency
  );
}

/** Whether the symbol goes before the number in the browser's locale (£1.20) or after it (1,20 €). */
export function symbolFirst(currency: string): boolean {
  const parts = moneyFormat(currency, 2)?.formatToParts(1) ?? [];
  return parts.findIndex((p) => p.type === "currency") < parts.findIndex((p) => p.type === "integer");
}

/** A change in % with its direction, e.g. "▲ 12%"; null (nothing to compare with) shows as "–". */
export function formatChange(pct: number | null): string {
  if (pct === null || !Number.isFinite(pct)) return "–";
  const rounded = Math.round(Math.abs(pct));
  if (rounded === 0) return "±0%";
  return `${pct > 0 ? "▲" : "▼"} ${rounded}%`;
}

export function changePct(now: number | null, before: number | null): number | null {
  if (now === null || before === null || before === 0) return null;
  return ((now - before) / Math.abs(before)) * 100;
}

/** Plotly axis ticks in a currency: "£2", "£0.50" or "2 €", as the locale writes it. */
export function currencyTicks(currency: string): { tickprefix?: string; ticksuffix?: string } {
  const symbol = currencySymbol(currency);
  return symbolFirst(currency) ? { tickprefix: symbol } : { ticksuffix: ` ${symbol}` };
}

const UNTRACKED_COLOR = PALETTE[PALETTE.length - 1];

export interface BreakdownPart {
  name: string;
  value: number;
  color: string;
  untracked: boolean;
}

/**
 * What a breakdown draws: each device and the untracked rest, biggest first, in cost (energy
 * when a price is missing anywhere: a partial cost would mislead), with the site's total.
 */
export function breakdownParts(summary: PublicMeterSummary, metric: Metric) {
  const costs = [summary.cost, ...summary.byDevice.map((d) => d.cost), ...(summary.untracked ? [summary.untracked.cost] : [])];
  const inCost = metric === "cost" && costs.every((c) => c !== null);
  const pick = (energyKwh: number, cost: number | null) => (inCost ? cost! : energyKwh);
  const devices = summary.byDevice
    .map((d, i) => ({ name: d.name, value: pick(d.energyKwh, d.cost), color: PALETTE[i % (PALETTE.length - 1)], untracked: false }))
    .sort((a, b) => b.value - a.value);
  const parts: BreakdownPart[] = summary.untracked
    ? [
        ...devices,
        { name: "Untracked", value: pick(summary.untracked.energyKwh, summary.untracked.cost), color: UNTRACKED_COLOR, untracked: true },
      ]
    : devices;
  const total = pick(summary.energyKwh, summary.cost);
  const format = (value: number) => (inCost ? formatMoney(value, summary.currency) : formatEnergy(value));
  const fallbackNote = metric === "cost" && !inCost ? (summary.costNote ?? "some prices are missing") : null;
  return { parts, total, format, inCost, fallbackNote };
}

export function shareText(value: number, total: number): string {
  return total > 0 ? `${Math.round((value / total) * 100)}%` : "";
}
