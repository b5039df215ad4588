import type { MeterSummary } from "../../../worker/costs/contract";

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

/** An amount with its currency symbol; pennies below 10 of the unit, whole units from 1,000 on. */
export function formatMoney(amount: number, currency: string): string {
  const digits = Math.abs(amount) >= 1_000 ? 0 : 2;
  return moneyFormat(currency, digits)?.format(amount) ?? `${amount.toFixed(digits)} ${currency}`;
}

export function formatEnergy(kwh: number): string {
  const abs = Math.abs(kwh);
  if (abs < 1) return `${Math.round(kwh * 1000)} Wh`;
  if (abs >= 1_000) return `${(kwh / 1_000).toLocaleString(undefined, { maximumFractionDigits: 2 })} MWh`;
  return `${kwh.toLocaleString(undefined, { maximumFractionDigits: abs < 100 ? 1 : 0 })} kWh`;
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
