import { z } from "zod";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Longer holds would need more than the hour of readings an evaluation looks at… and nobody waits a week. */
export const MAX_RULE_DURATION_MS = 7 * DAY;

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * An ISO-8601 duration of weeks, days, hours, minutes and seconds (PT10M, PT1H30M, P1D) in ms;
 * undefined when the text is not one. Years and months are refused: their length varies.
 */
export function durationMs(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match || text === "P" || text.endsWith("T")) return undefined;
  const [weeks, days, hours, minutes, seconds] = match.slice(1).map((part) => (part === undefined ? 0 : Number(part)));
  return weeks * 7 * DAY + days * DAY + hours * HOUR + minutes * MINUTE + seconds * SECOND;
}

const DURATION_MESSAGE = "must be an ISO-8601 duration such as PT10M or P1D, longer than 0 and at most 7 days (P7D)";

export const RuleDuration = z.string().refine((text) => {
  const ms = durationMs(text);
  return ms !== undefined && ms > 0 && ms <= MAX_RULE_DURATION_MS;
}, DURATION_MESSAGE);

export const ALERT_RULE_KINDS = ["threshold", "no_data", "budget", "forecast", "anomaly"] as const;
export const AlertRuleKind = z.enum(ALERT_RULE_KINDS);
export type AlertRuleKind = z.infer<typeof AlertRuleKind>;

/** Power in W (held), energy in Wh and cost in the tariff's currency (totals over the trailing `for`). */
export const ThresholdMetric = z.enum(["power_w", "energy_wh", "cost"]);
export type ThresholdMetric = z.infer<typeof ThresholdMetric>;

const finiteValue = z.number().refine(Number.isFinite, "must be a finite number");
const positiveMoney = z.number().positive("must be more than 0").max(1e9, "must be at most 1e9");

export const ThresholdParams = z.object({
  kind: z.literal("threshold"),
  metric: ThresholdMetric,
  op: z.enum(["above", "below"]),
  value: finiteValue,
  for: RuleDuration,
});
export const NoDataParams = z.object({ kind: z.literal("no_data"), for: RuleDuration });
export const BudgetParams = z.object({ kind: z.literal("budget"), period: z.enum(["day", "week", "month"]), value: positiveMoney });
/** Tomorrow's expected cost (the tariff's currency) or peak (kW) on the meter's calendar, from the latest run (tomorrowForecast). */
export const ForecastParams = z.object({ kind: z.literal("forecast"), metric: z.enum(["cost", "peak"]), value: positiveMoney });
export const AnomalyParams = z.object({ kind: z.literal("anomaly") });

/** What a rule watches, stored as it came (alert_rules.params). */
export const AlertRuleParams = z.discriminatedUnion("kind", [ThresholdParams, NoDataParams, BudgetParams, ForecastParams, AnomalyParams]);
export type AlertRuleParams = z.infer<typeof AlertRuleParams>;

export const RuleName = z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters");
const ChannelIds = z.array(z.uuid()).max(20, "must list at most 20 channels");

/** The units a value may be given in, per metric, with the factor to the stored unit (W, Wh, kW for a forecast peak). */
const METRIC_UNITS: Record<"power_w" | "energy_wh" | "peak", Record<string, number>> = {
  power_w: { W: 1, kW: 1000 },
  energy_wh: { Wh: 1, kWh: 1000 },
  peak: { kW: 1, W: 0.001 },
};
const CURRENCY_CODE = /^[A-Z]{3}$/;

/** What a rule's value measures: a quantity with its units, or money (the meter's tariff currency). */
function valueKind(body: { kind: AlertRuleKind; metric?: string }): "power_w" | "energy_wh" | "peak" | "money" | undefined {
  if (body.kind === "budget") return "money";
  if (body.kind !== "threshold" && body.kind !== "forecast") return undefined;
  if (body.metric === "cost") return "money";
  return body.metric === "power_w" || body.metric === "energy_wh" || body.metric === "peak" ? body.metric : undefined;
}

/** The currency a body gives its money value in, if it names one (checked against the meter's tariff by the service). */
export function moneyUnit(body: { kind: AlertRuleKind; metric?: string; unit?: string }): string | undefined {
  return valueKind(body) === "money" ? body.unit : undefined;
}

/** Which of the optional fields each kind takes (all of them required for it, the others refused). */
const KIND_FIELDS: Record<AlertRuleKind, readonly ("metric" | "op" | "value" | "for" | "period")[]> = {
  threshold: ["metric", "op", "value", "for"],
  no_data: ["for"],
  budget: ["period", "value"],
  forecast: ["metric", "value"],
  anomaly: [],
};
const KIND_METRICS: Partial<Record<AlertRuleKind, readonly string[]>> = {
  threshold: ThresholdMetric.options,
  forecast: ForecastParams.shape.metric.options,
};

/** What a rule's condition is made of, each field taken by some kinds (KIND_FIELDS): the same on create and on change. */
const CONDITION_FIELDS = {
  /** threshold: power_w (W, held for `for`), energy_wh (Wh) or cost (the tariff's currency) over the trailing `for`; forecast: cost or peak (kW). */
  metric: z.enum(["power_w", "energy_wh", "cost", "peak"]).optional(),
  /** threshold only. */
  op: z.enum(["above", "below"]).optional(),
  /** threshold, budget (money), forecast. */
  value: finiteValue.optional(),
  /** threshold (the hold, or the window of a total), no_data (the silence). */
  for: RuleDuration.optional(),
  /** budget: the meter's calendar day, week (from Monday) or month. */
  period: BudgetParams.shape.period.optional(),
  /** The unit of `value` (default the stored one): W or kW for power, Wh or kWh for energy, kW or W for a forecast peak, the tariff's currency code for money. */
  unit: z.string().trim().min(1, "must not be empty").max(8, "must be at most 8 characters").optional(),
};
export type RuleCondition = { [field in keyof typeof CONDITION_FIELDS]?: z.infer<(typeof CONDITION_FIELDS)[field]> };
export const CONDITION_FIELD_NAMES = Object.keys(CONDITION_FIELDS) as (keyof typeof CONDITION_FIELDS)[];

/**
 * One flat object for every kind (a chat tool's input must be a JSON object schema, not a union),
 * checked per kind: each field the kind takes is required, any other refused, by name. Without
 * an OpenAPI id, so the chat catalog's JSON schema is the object itself (not a $ref).
 */
export const AlertRuleInput = z
  .object({
    meterId: z.uuid(),
    kind: AlertRuleKind,
    /** Default: what the rule watches in words, e.g. "House: power above 7000 W for PT10M". */
    name: RuleName.optional(),
    /** Channels (POST /api/channels) that hear it besides the app; the person's own only. */
    channels: ChannelIds.default([]),
    /** Urgent rules ask for the phone's attention (and pass quiet hours). */
    urgent: z.boolean().default(false),
    ...CONDITION_FIELDS,
  })
  .strict()
  .superRefine((body, context) => {
    const taken = KIND_FIELDS[body.kind];
    for (const field of ["metric", "op", "value", "for", "period"] as const) {
      if (taken.includes(field) && body[field] === undefined)
        context.addIssue({ code: "custom", path: [field], message: `is required for a ${body.kind} rule` });
      if (!taken.includes(field) && body[field] !== undefined)
        context.addIssue({ code: "custom", path: [field], message: `is not a field of a ${body.kind} rule` });
    }
    const metrics = KIND_METRICS[body.kind];
    if (metrics && body.metric !== undefined && !metrics.includes(body.metric))
      context.addIssue({ code: "custom", path: ["metric"], message: `must be one of ${metrics.join(", ")} for a ${body.kind} rule` });
    if (body.unit !== undefined) {
      const measured = valueKind(body);
      if (measured === undefined)
        context.addIssue({ code: "custom", path: ["unit"], message: `is not a field of a ${body.kind} rule without a value` });
      else if (measured === "money" && !CURRENCY_CODE.test(body.unit))
        context.addIssue({ code: "custom", path: ["unit"], message: "must be a currency code such as GBP for a cost" });
      else if (measured !== "money" && !(body.unit in METRIC_UNITS[measured]))
        context.addIssue({
          code: "custom",
          path: ["unit"],
          message: `must be one of ${Object.keys(METRIC_UNITS[measured]).join(", ")} for ${measured}`,
        });
    }
    const money = body.kind === "budget" || body.kind === "forecast";
    if (money && body.value !== undefined && !positiveMoney.safeParse(body.value).success)
      context.addIssue({ code: "custom", path: ["value"], message: "must be more than 0 and at most 1e9" });
  });
export const CreateAlertRuleBody = AlertRuleInput.meta({ id: "CreateAlertRuleBody" });
export type CreateAlertRuleBody = z.infer<typeof CreateAlertRuleBody>;

/** The stored parameters of a body the schema accepted (its refinement guarantees each kind's fields), the value in the stored unit. */
export function ruleParams(body: CreateAlertRuleBody): AlertRuleParams {
  const measured = valueKind(body);
  const factor = measured && measured !== "money" && body.unit !== undefined ? METRIC_UNITS[measured][body.unit] : 1;
  const value = body.value === undefined ? undefined : body.value * factor;
  switch (body.kind) {
    case "threshold":
      return { kind: "threshold", metric: body.metric as ThresholdMetric, op: body.op!, value: value!, for: body.for! };
    case "no_data":
      return { kind: "no_data", for: body.for! };
    case "budget":
      return { kind: "budget", period: body.period!, value: value! };
    case "forecast":
      return { kind: "forecast", metric: body.metric as "cost" | "peak", value: value! };
    case "anomaly":
      return { kind: "anomaly" };
  }
}

/** A rule's stored parameters as the condition fields of a body (values in the stored units). */
export function conditionOf(params: AlertRuleParams): RuleCondition {
  const { kind: _kind, ...fields } = params;
  return fields;
}

export const UpdateAlertRuleBody = z
  .object({
    name: RuleName.optional(),
    channels: ChannelIds.optional(),
    urgent: z.boolean().optional(),
    /** A disabled rule is not evaluated; it keeps its state and history. */
    enabled: z.boolean().optional(),
    /** Until then the rule is evaluated and keeps its history, but tells nobody; null lifts the silence. */
    silencedUntil: z.iso.datetime({ offset: true }).nullable().optional(),
    /**
     * The condition's fields of the rule's kind (its kind stays), checked as on create; a new
     * metric needs its value, a unit goes with a value. A changed condition starts the rule again in ok.
     */
    ...CONDITION_FIELDS,
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: "give at least one field to change" })
  .meta({ id: "UpdateAlertRuleBody" });
export type UpdateAlertRuleBody = z.infer<typeof UpdateAlertRuleBody>;

export const ALERT_RULE_STATES = ["ok", "pending", "firing"] as const;
export const AlertRuleState = z.enum(ALERT_RULE_STATES);
export type AlertRuleState = z.infer<typeof AlertRuleState>;

/** What a rule's history records: each change of state, `resolved` when a firing rule is back to ok. */
export const ALERT_RULE_EVENT_STATES = ["pending", "firing", "resolved", "ok"] as const;
export const AlertRuleEventState = z.enum(ALERT_RULE_EVENT_STATES);
export type AlertRuleEventState = z.infer<typeof AlertRuleEventState>;

export const AlertRuleEvent = z.object({
  state: AlertRuleEventState,
  /** The reading's time (threshold), or the evaluation's (the other kinds). */
  at: z.string(),
  /** The value judged, in the rule's unit; null for a no_data rule's return. */
  value: z.number().nullable(),
  /** True when the rule was silenced then: recorded, nobody told. */
  silenced: z.boolean(),
});
export type AlertRuleEvent = z.infer<typeof AlertRuleEvent>;

export const AlertRule = z
  .object({
    id: z.uuid(),
    meterId: z.uuid(),
    name: z.string(),
    kind: AlertRuleKind,
    metric: z.string().optional(),
    op: z.enum(["above", "below"]).optional(),
    value: z.number().optional(),
    for: z.string().optional(),
    period: z.enum(["day", "week", "month"]).optional(),
    channels: z.array(z.uuid()),
    urgent: z.boolean(),
    enabled: z.boolean(),
    silencedUntil: z.string().nullable(),
    state: AlertRuleState,
    /** When the rule entered its state (null for a rule never out of ok). */
    stateSince: z.string().nullable(),
    /** The value judged when the rule last changed state, in the rule's unit. */
    lastValue: z.number().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "AlertRule" });
export type AlertRule = z.infer<typeof AlertRule>;

/** A rule with its history, newest first. */
export const AlertRuleDetail = AlertRule.extend({ history: z.array(AlertRuleEvent) }).meta({ id: "AlertRuleDetail" });
export type AlertRuleDetail = z.infer<typeof AlertRuleDetail>;

export const AlertRuleList = z.object({ rules: z.array(AlertRule) }).meta({ id: "AlertRuleList" });
export type AlertRuleList = z.infer<typeof AlertRuleList>;

export const AlertRuleListQuery = z.object({ meterId: z.uuid().optional() });
