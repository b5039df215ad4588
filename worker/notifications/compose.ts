import { localCalendar } from "../../ml/runtime/features";
import type { ModelRunFinding } from "../runs/contract";
import type { ChatQuote } from "./contract";

/** At most one notification per meter and kind of finding in this window: no floods. */
export const NOTIFY_AT_MOST_EVERY_MS = 6 * 60 * 60 * 1000;

/** What a person may have said about each kind of finding ("keep the peak under 5 kW", "my budget"). */
export const GOALS: Record<ModelRunFinding["kind"], RegExp[]> = {
  peak_over_limit: [/\bpeak/i, /\bkw\b/i, /\blimit/i, /\bfuse\b/i],
  plan_saves: [/budget/i, /\bbill/i, /\bcost/i, /cheap/i, /sav(e|ing)/i, /charge .* before/i, /\bev\b/i, /battery/i],
  consumption_anomaly: [/\busage/i, /\buse[sd]?\b/i, /consum/i, /unusual/i, /\bleave|away|holiday/i],
  forecast_fallback: [/forecast/i, /predict/i, /accura/i],
};

export const TITLES: Record<ModelRunFinding["kind"], (meter: string) => string> = {
  peak_over_limit: (meter) => `${meter}: peak above your limit`,
  plan_saves: (meter) => `${meter}: today's plan saves money`,
  consumption_anomaly: (meter) => `${meter}: unusual consumption`,
  forecast_fallback: (meter) => `${meter}: the forecast now repeats recent days`,
};

export interface QuietHours {
  quietFromHour: number | null;
  quietToHour: number | null;
  timezone: string;
}

/** Whether `now` falls in the person's quiet hours (local to their time zone; "22 to 7" wraps over midnight). */
export function inQuietHours(settings: QuietHours, now: Date): boolean {
  const { quietFromHour: from, quietToHour: to } = settings;
  if (from === null || to === null || from === to) return false;
  const hour = localCalendar(now.getTime(), settings.timezone).hour;
  return from < to ? hour >= from && hour < to : hour >= from || hour < to;
}

/** The finding in the person's own context: what it is, then what they said about it before. */
export function composeBody(finding: ModelRunFinding, quotes: ChatQuote[]): string {
  if (quotes.length === 0) return finding.message;
  const [first] = quotes;
  const day = new Date(first.at).toISOString().slice(0, 10);
  return `${finding.message} On ${day}, in "${first.sessionTitle}", you said: "${first.excerpt}"`;
}

/** The chat message a run was asked for in. */
export type ChatOrigin = Omit<ChatQuote, "excerpt">;

/** The notification for a run asked for in a chat: the explanation, linking back to the session. */
export function requestedRunNotice(meterName: string, origin: ChatOrigin, explanation: string) {
  return {
    kind: "run_requested",
    title: `${meterName}: the forecast you asked for is ready`,
    body: explanation,
    context: [{ ...origin, excerpt: "Run requested in this chat" }],
    silent: false,
  };
}
