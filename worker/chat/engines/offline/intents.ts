import type { Metric } from "../../../charts/chart-spec-contract";
import type { MeterRow } from "../../../meters/queries";
import { type Resolution, resolveMeters, resolveNamed } from "../../understanding/entities";
import { fold } from "../../understanding/normalize";
import { type PeriodMention, parsePeriods } from "../../understanding/periods";
import { findClock, findEnergy, findPower, findPricePerKwh } from "../../understanding/quantities";
import { type AlertAsk, alertAsk } from "./alerts";
import { type AnnotationAsk, annotationAsk } from "./annotations";
import type { Ctx } from "./context";
import { zoneOf } from "./context";
import { severalMeant } from "./who";
import * as W from "./words";

/** One message as the engine reads it: the things it names, found once per turn. */
export interface Reading {
  text: string;
  /** Lower case, no accents or punctuation: what the vocabulary patterns run on. */
  folded: string;
  meters: Resolution<MeterRow>;
  periods: PeriodMention[];
  zone: string;
  quantity?: W.Quantity;
  /** A second quantity asked in the same question ("… and how much did it cost?"). */
  alsoQuantity?: W.Quantity;
  metric?: Metric;
  chartKind?: W.ChartKind;
  /** Where "compared to / than / vs" starts in `text`, if it does. */
  compareAt?: number;
}

export type Intent =
  | { kind: "greeting" | "thanks" | "help" | "connect" | "unknown" }
  | { kind: "measure" | "rank" | "chart" | "chart-edit" | "delete-chart" | "share" | "follow-up" }
  | { kind: "goal"; limitKw: number }
  | { kind: "battery"; capacityKwh: number; powerKw?: number }
  | { kind: "load"; name: string; energyKwh: number; toHour: number; fromHour?: number; powerKw?: number }
  | { kind: "tariff"; name?: string; price?: { price: number; currency?: string } }
  | { kind: "run" | "plan" | "list-meters" | "list-tabs" | "list-tariffs" }
  | { kind: "create-tab"; title?: string }
  /** A flexible load named without its energy ("run the dishwasher overnight"): what it needs is asked. */
  | { kind: "load-ask"; name: string }
  /** "tell me if the garage draws over 2 kW for 10 minutes": a rule to make. */
  | { kind: "alert"; ask: AlertAsk }
  /** "we were away from the 10th to the 17th", "note that the heat pump was installed yesterday". */
  | { kind: "annotate"; ask: AnnotationAsk };

const COMPARE_RAW = /\b(compared?|comparing|comparison|than|vs\.?|versus|against|relative to)\b/i;
/** After "compare …", the word that starts the other side: "compare last week with the week before". */
const COMPARE_LINK = /\b(with|to|and|against|vs\.?|versus)\b/gi;

/** Where the other side of a comparison starts: "than …", "vs …", or the "with" of "compare A with B". */
function compareStart(text: string): number | undefined {
  const match = COMPARE_RAW.exec(text);
  if (!match) return undefined;
  if (!/^compar(e|ing)$/i.test(match[1])) return match.index;
  COMPARE_LINK.lastIndex = match.index + match[0].length;
  return COMPARE_LINK.exec(text)?.index ?? match.index;
}

/** Text with a span blanked out (same length, so positions still point at the original). */
const blank = (text: string, span: { index: number; end: number }) =>
  text.slice(0, span.index) + " ".repeat(span.end - span.index) + text.slice(span.end);

/** "the EV tab": a tab named in the text, which is not a meter ("EV" is not the chargers). */
function tabNamed(text: string, ctx: Ctx): { index: number; end: number } | undefined {
  if (ctx.turn.tabs.length === 0 || !W.TAB_WORD.test(fold(text))) return undefined;
  const tab = resolveNamed(text, ctx.turn.tabs);
  if (tab.kind !== "found") return undefined;
  const around = `${text.slice(Math.max(0, tab.index - 14), tab.index)}|${text.slice(tab.end, tab.end + 12)}`;
  return /\b(tab|dashboard|page)\s*\||\|\s*(tab|dashboard|page)\b/i.test(around) ? tab : undefined;
}

export function read(text: string, ctx: Ctx): Reading {
  const tab = tabNamed(text, ctx);
  const meters = resolveMeters(tab ? blank(text, tab) : text, ctx.turn.meters);
  // A meter's name is not an instruction: "Share everything" or "Battery" named as a meter
  // must not make the message a share or a battery statement.
  const folded = fold(meters.kind === "found" ? `${text.slice(0, meters.index)} zzmeterzz ${text.slice(meters.end)}` : text);
  const zone = zoneOf(ctx, meters.kind === "found" ? meters.items.map((m) => m.id) : ctx.memory.meterIds);
  const periods = parsePeriods(text, ctx.now, zone);
  const quantity = W.earliest(folded, W.QUANTITY_WORDS);
  let compareAt = compareStart(text);
  // "the heat pump vs the dishwasher last month": meters compared, over one period.
  if (
    compareAt !== undefined &&
    meters.kind === "found" &&
    meters.items.length > 1 &&
    meters.index < compareAt &&
    compareAt < meters.end &&
    !periods.some((m) => m.index < compareAt!)
  ) {
    compareAt = undefined;
  }
  return {
    text,
    folded,
    meters,
    periods,
    zone,
    quantity,
    alsoQuantity: W.secondQuantity(folded, quantity),
    metric: W.earliest(folded, W.METRIC_WORDS),
    chartKind: W.first(folded, W.CHART_KIND_WORDS),
    compareAt,
  };
}

const NOT_MEASURED = new Set<Metric>(["voltage_v", "current_a", "power_factor", "thd_pct"]);

const overlaps = (a: { index: number; end: number }, b: { index: number; end: number }) => a.index < b.end && b.index < a.end;

/** The intent of a message: the first rule that fits, most specific first. */
export function classify(r: Reading, ctx: Ctx): Intent {
  const f = r.folded;
  if (!f || W.HELP.test(f)) return { kind: "help" };
  if (W.GREETING.test(f)) return { kind: "greeting" };
  if (W.THANKS.test(f)) return { kind: "thanks" };
  const question = W.QUESTION_START.test(f);
  const namedChart = () => W.CHART_NOUN.test(f) && resolveNamed(r.text, ctx.turn.charts).kind === "found";
  const hasChart = () => !!ctx.memory.chartId || namedChart();

  if (W.DELETE.test(f) && (W.CHART_REF.test(f) || W.CHART_NOUN.test(f) || namedChart())) return { kind: "delete-chart" };
  if (W.SHARE.test(f)) return { kind: "share" };
  const ask = alertAsk(r);
  if (ask) return { kind: "alert", ask };
  const note = annotationAsk(r);
  if (note) return { kind: "annotate", ask: note };
  // "make the Flat power chart a bar chart": a chart named by its title, then what to change.
  if (W.NAMED_EDIT.test(f) && (r.chartKind || r.metric || r.periods.length > 0) && chartNamedAsChart(r, ctx)) return { kind: "chart-edit" };

  if (!question) {
    const setting = statement(r, ctx);
    if (setting) return setting;
  }
  if (W.CONNECT_METER.test(f) && !r.quantity) return { kind: "connect" };
  // The title comes from the text as typed: a meter's name in it ("a tab called Solar") is the title, not a mask.
  const tab = W.CREATE_TAB.test(f) ? W.CREATE_TAB.exec(fold(r.text)) : null;
  if (tab) return { kind: "create-tab", title: cleanTitle(r.text, tab[1]) };
  const nothingAsked = !r.quantity && r.periods.length === 0;
  if (W.LIST_METERS.test(f) && nothingAsked) return { kind: "list-meters" };
  if (W.LIST_TABS.test(f) && nothingAsked) return { kind: "list-tabs" };
  if (W.LIST_TARIFFS.test(f) && nothingAsked) return { kind: "list-tariffs" };
  if (W.PRICE_QUESTION.test(f) && r.periods.length === 0) return { kind: "list-tariffs" };
  if (W.CHEAP_TIME.test(f) && r.periods.length === 0) return { kind: "plan" };

  const namesMeter = r.meters.kind !== "none";
  // A fuzzy guess ("change" for "charger") does not stop an edit of "it".
  const surelyMeter = r.meters.kind === "found" || (r.meters.kind === "ambiguous" && severalMeant(r.text, r.meters.phrase));
  const shortText = f.split(" ").length <= 6;
  if (
    hasChart() &&
    !surelyMeter &&
    r.chartKind &&
    (W.CHART_REF.test(f) || W.STRICT_EDIT.test(f) || /\b(instead|rather)\b/.test(f) || shortText) &&
    !W.CHART_NOUN.test(f.replace(W.CHART_REF, "").replace(W.STRICT_EDIT.test(f) ? W.KIND_NOUN : W.CHART_REF, ""))
  ) {
    return { kind: "chart-edit" };
  }
  const lastIsChart = ctx.memory.ask?.kind === "chart";
  if (
    hasChart() &&
    (W.CHART_REF.test(f) || (lastIsChart && W.STRICT_EDIT.test(f))) &&
    W.CHART_EDIT.test(f) &&
    !W.NUMBER_QUESTION.test(f) &&
    !surelyMeter &&
    (r.periods.length > 0 || r.metric)
  ) {
    return { kind: "chart-edit" };
  }
  // "over the last 30 days instead", "for the flat instead": the chart just made, changed.
  if (
    lastIsChart &&
    /\b(instead|rather)\b/.test(f) &&
    !W.NUMBER_QUESTION.test(f) &&
    (r.periods.length > 0 || surelyMeter || r.metric || r.chartKind)
  ) {
    return { kind: "chart-edit" };
  }
  // "add the garage too": another meter on the chart just made.
  if (lastIsChart && surelyMeter && W.ADD_TO_CHART.test(f) && !W.CHART_NOUN.test(f) && r.periods.length === 0) {
    return { kind: "chart-edit" };
  }
  if (W.TIME_OF_DAY.test(f) && (r.quantity === "energy" || r.quantity === "peak" || r.metric) && !r.chartKind) {
    r.chartKind = "heatmap";
    return { kind: "chart" };
  }
  const wantsChart = W.CHART_NOUN.test(f) || (W.CHART_VERB.test(f) && !W.NUMBER_QUESTION.test(f));
  if (W.RANK.test(f)) return wantsChart ? { kind: "chart" } : { kind: "rank" };
  if (W.RUN.test(f) && !r.quantity) return { kind: "run" };
  if (W.PLAN.test(f) && !W.TARIFF.test(f) && !r.quantity) return { kind: "plan" };
  if (wantsChart || (r.chartKind && (r.metric || namesMeter) && !W.NUMBER_QUESTION.test(f))) {
    return { kind: "chart" };
  }
  // Voltage, current, power factor, THD have no number to measure: a chart shows them.
  if (r.metric && NOT_MEASURED.has(r.metric) && !r.quantity && (namesMeter || r.periods.length > 0)) return { kind: "chart" };
  const followUp = W.FOLLOW_UP.test(f) || shortText;
  if (r.quantity || ((W.NUMBER_QUESTION.test(f) || r.compareAt !== undefined) && (namesMeter || r.periods.length > 0))) {
    // "and the cost?" after a chart stays a question: a quantity asks for a number.
    return { kind: "measure" };
  }
  if ((r.periods.length > 0 || namesMeter) && ctx.memory.ask && followUp) return { kind: "follow-up" };
  if (r.periods.length > 0 && namesMeter) return { kind: "measure" };
  if (namesMeter && shortText && !question) return { kind: "measure" };
  return { kind: "unknown" };
}

/** A chart named by its title right before the word chart ("the Flat power chart"), not "a chart of the flat's power". */
function chartNamedAsChart(r: Reading, ctx: Ctx): boolean {
  if (ctx.turn.charts.length === 0 || !W.CHART_NOUN.test(r.folded)) return false;
  const named = resolveNamed(r.text, ctx.turn.charts);
  return named.kind === "found" && /^\s*(chart|graph|plot)\b/i.test(r.text.slice(named.end));
}

const CAR_TYPED = /\b(car|ev|electric vehicle|tesla|leaf|van)\b/i;

/** What a flexible load is called: the car as the person calls it ("the EV", "the car"), else the appliance. */
function loadName(text: string): string | undefined {
  const name = W.first(fold(text), W.LOAD_NAMES);
  if (name !== "car") return name;
  const typed = CAR_TYPED.exec(text)?.[0];
  if (!typed) return name;
  return typed === typed.toUpperCase() ? typed : typed.toLowerCase();
}

/** The one device a message names, as the person's meter is called. */
function deviceNamed(r: Reading): string | undefined {
  if (r.meters.kind !== "found" || r.meters.items.length !== 1 || r.meters.items[0].kind !== "device") return undefined;
  return r.meters.items[0].name.slice(0, 40);
}

/** Words after a tariff's name that are not part of it ("we're on Octopus Go now"). */
const TARIFF_TAIL = / (now|these days|from now on|at the moment|currently)$/;

/** "keep the peak of Garage under 1 kW", "we have a 5 kWh battery", "the car needs 30 kWh by 7 am", "we pay 25p per kWh". */
function statement(r: Reading, ctx: Ctx): Intent | undefined {
  const f = r.folded;
  const energy = findEnergy(r.text);
  const power = findPower(r.text).filter((p) => !energy.some((e) => overlaps(e, p)));
  if (W.BATTERY.test(f) && energy.length > 0) {
    return { kind: "battery", capacityKwh: energy[0].value, powerKw: power[0]?.value };
  }
  const clocks = findClock(r.text);
  const load = energy.length > 0 && clocks.length > 0 ? loadName(r.text) : undefined;
  if (energy.length > 0 && clocks.length > 0 && (W.DEFERRABLE.test(f) || load)) {
    const by = clocks.at(-1)!.value;
    const from = clocks.length > 1 ? clocks[0].value : undefined;
    return {
      kind: "load",
      // Else the device named ("the hot tub needs 5 kWh by 6pm").
      name: load ?? deviceNamed(r) ?? "load",
      energyKwh: energy[0].value,
      toHour: by.hour === 0 && by.minute === 0 ? 24 : by.hour + (by.minute > 0 ? 1 : 0),
      fromHour: from?.hour,
      powerKw: power[0]?.value,
    };
  }
  const named = energy.length === 0 && W.LOAD_WITHOUT_ENERGY.test(f) ? loadName(r.text) : undefined;
  if (named) return { kind: "load-ask", name: named };
  const price = findPricePerKwh(r.text);
  if (price.length > 0 && W.PRICE_STATEMENT.test(f)) return { kind: "tariff", price: price[0].value };
  const tariff = W.TARIFF_NAME.exec(f);
  const name = (tariff?.[1] ?? tariff?.[2] ?? tariff?.[3])?.trim().replace(TARIFF_TAIL, "");
  // "we switched to Tibber": a tariff word, or the name of a tariff they imported.
  if (name && (W.TARIFF.test(f) || resolveNamed(name, ctx.turn.tariffs).kind !== "none")) return { kind: "tariff", name };
  if (power.length > 0 && W.GOAL.test(f) && W.GOAL_SUBJECT.test(f)) return { kind: "goal", limitKw: power[0].value };
  return undefined;
}

/** A tab title as typed (its case kept), from the folded words after "tab called". */
function cleanTitle(text: string, foldedTitle: string | undefined): string | undefined {
  // "a tab for the solar stuff" is "solar stuff"; a title after "called" is kept as typed.
  const named = /\b(called|named|titled)\b/i.test(text);
  const title = named ? foldedTitle?.trim() : foldedTitle?.trim().replace(/^(the|a|an|my|our) /, "");
  if (!title) return undefined;
  const at = text.toLowerCase().lastIndexOf(title.split(" ")[0]);
  const typed =
    at >= 0
      ? text
          .slice(at)
          .replace(/[.!?"“”']+$/g, "")
          .trim()
      : title;
  return typed.slice(0, 100) || undefined;
}
