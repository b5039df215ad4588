import { formatEnergy, formatMoney } from "../costs/money-contract";
import type { ReportCadence, ReportContent } from "./contract";

/** "the week of 30 Nov 2026" or "November 2026", on the meter's calendar. */
export function periodLabel(cadence: ReportCadence, from: Date, timeZone: string): string {
  if (cadence === "month") return new Intl.DateTimeFormat("en-GB", { timeZone, month: "long", year: "numeric" }).format(from);
  return `the week of ${new Intl.DateTimeFormat("en-GB", { timeZone, day: "numeric", month: "short", year: "numeric" }).format(from)}`;
}

/** The notification that announces a report: what it cost against the period before, and who cost most. */
export function reportNotice(content: ReportContent, cadence: ReportCadence): { title: string; body: string } {
  const { summary, topDevice } = content;
  const label = periodLabel(cadence, new Date(summary.period.from), content.timezone);
  const spent =
    summary.cost === null
      ? `${content.meterName} used ${formatEnergy(summary.energyKwh)} in ${label}`
      : `${content.meterName} used ${formatEnergy(summary.energyKwh)} for ${formatMoney(summary.cost, summary.currency)} in ${label}`;
  const change =
    summary.changePct === null
      ? ""
      : `, ${Math.abs(summary.changePct).toFixed(0)} % ${summary.changePct < 0 ? "less" : "more"} than the ${cadence} before`;
  const top = topDevice
    ? ` ${topDevice.name} cost most${topDevice.cost === null ? "" : ` (${formatMoney(topDevice.cost, summary.currency)})`}.`
    : "";
  return {
    title: `${content.meterName}: your ${cadence === "week" ? "weekly" : "monthly"} report`,
    body: `${spent}${change}.${top}`,
  };
}
