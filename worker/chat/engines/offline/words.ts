import type { Metric, RELATIVE_WINDOWS } from "../../../charts/chart-spec-contract";

/**
 * The engine's vocabulary, compiled once when the module loads: every pattern runs on folded text
 * (lower case, no accents, no punctuation), so a turn only tests these against one string.
 */

export type Quantity = "energy" | "cost" | "peak" | "average" | "minimum";
export type ChartKind = "line" | "area" | "bar" | "stacked" | "heatmap" | "summary" | "breakdown";

/** How a chart title says its relative window. */
export const WINDOW_LABELS: Record<(typeof RELATIVE_WINDOWS)[number], string> = {
  last_hour: "last hour",
  last_24h: "last 24 h",
  last_7d: "last 7 days",
  last_30d: "last 30 days",
  this_month: "this month",
  this_year: "this year",
};

export const QUANTITY_WORDS: [RegExp, Quantity][] = [
  [
    /\b(costs?|costing|costly|spend|spending|spent|money|bills?|pa(y|id|ying)|expensive|dearest|cheapest|price|pounds|quid|dollars|euros?)\b/,
    "cost",
  ],
  [/\b(peak|peaks|peaked|maximum|max|highest|top power|most power|biggest spike)\b/, "peak"],
  [/\b(average|avg|mean|typical|typically)\b/, "average"],
  [/\b(minimum|min|lowest|base ?load|baseload|standby)\b/, "minimum"],
  [/\b(energy|kwh|kilowatt hours?|consum\w*|usage|use|uses|used|using|draw|drew)\b/, "energy"],
];

export const METRIC_WORDS: [RegExp, Metric][] = [
  [/\b(costs?|spend|spent|money|bills?|price|pounds|quid|dollars|euros?)\b/, "cost"],
  [/\b(power ?factor|pf)\b/, "power_factor"],
  [/\bthd\b|\bharmonics?\b/, "thd_pct"],
  [/\b(voltage|volts?)\b/, "voltage_v"],
  [/\b(current|amps?|amperes?)\b/, "current_a"],
  [/\b(energy|kwh|consumption|usage)\b/, "energy_wh"],
  [/\b(power|watts?|kw|load|demand)\b/, "power_w"],
];

export const CHART_KIND_WORDS: [RegExp, ChartKind][] = [
  [/\bheat ?maps?\b/, "heatmap"],
  [/\bstack(ed|s)?\b/, "stacked"],
  [/\b(breakdown|break it down|split|per device|by device|sankey)\b/, "breakdown"],
  [/\b(summary|stat cards?|stats cards?|tiles?)\b/, "summary"],
  [/\b(bars?|bar chart|columns?|histogram)\b/, "bar"],
  [/\b(areas?|area chart|filled)\b/, "area"],
  [/\b(lines?|line chart|line graph)\b/, "line"],
];

/** "draw" asks for a chart, except as the noun of "power draw", "the average draw". */
export const CHART_VERB =
  /\b(show|display|plot|plotting|chart|charts|graph|graphs|visuali[sz]e|trend|add a chart|put)\b|(?<!\b(power|average|avg|mean|peak|highest|lowest|max|maximum|min|minimum|typical|the|its|their|total) )\bdraw\b/;
export const CHART_NOUN = /\b(chart|graph|plot|visual|diagram)\b/;
/** Questions that want a number, even when they start with "show me". */
export const NUMBER_QUESTION = /\b(how much|how many|what was|whats|what is|what did|how high|how low|tell me)\b/;
export const COMPARE = /\b(compared?|comparing|comparison|than|vs|versus|against|relative to)\b/;
export const QUESTION_START = /^(what|whats|how|was|were|did|does|do|is|are|when|which|can|could|why)\b/;

export const GREETING = /^(hi|hello|hey|hiya|howdy|yo|good (morning|afternoon|evening)|morning|evening)( there)?( wattboard| bot)?$/;
export const THANKS =
  /^(thanks?( you)?( very much| so much| a lot)?|thx|ty|cheers|ta|great|perfect|nice|cool|ok|okay|brilliant|lovely|awesome)( thanks| thank you)?( mate| buddy| man| again| wattboard)?$/;
export const HELP =
  /^(help|help me|\?|what can you do|what do you do|what can i (ask|say)|how does this work|how do i use (this|you)|commands|options|menu|what (should|could|do) i (ask|say|type)( you)?|examples|give me (some )?examples|i don'?t (understand|get it)|how do i start|where do i start)$/;
export const CONNECT_METER = /\b(connect|add|set ?up|install|hook up|create)\b.*\bmeters?\b|\bnew meter\b|\bconnection snippet\b/;

export const RANK =
  /\b(which|what)\b.*\b(device|appliance|circuit|load|thing|meter)s?\b.*\b(most|least|biggest|highest|more)\b|\b(use|uses|used|using|cost|costs|costing|consumes?|consumed|draws?|eats?|eating)( me| us)? the most\b|\brank(ed|ing|s)?\b.*\b(devices?|appliances?|circuits?|loads?|meters?)\b|\b(devices?|appliances?|circuits?) (ranked|by (cost|energy|usage|consumption))\b|\b(what|which)( is)? using (all|most|so much)\b|\b(eating|hogging|guzzling|burning|sucking|draining|chewing)( up| through)? (all|most|so much)( of)? (the|my|our)? ?(electricity|power|energy|juice|money)\b|\bmost expensive (device|appliance|thing|circuit)s?\b|\b(most expensive|dearest)\b(?!.*\b(hour|time|day)\b)|\b(biggest|top|largest|main) ((energy|power|electricity) )?(cost|costs|consumers?|users?|spenders?|devices?|appliances?|energy hogs?|hogs?)\b|\b(cost|energy|use|usage) (by|per) (device|appliance)\b/;

export const DELETE = /\b(remove|delete|get rid of|drop|bin|trash|erase|ditch)\b/;
export const SHARE =
  /^(please |can you |could you |now |and |ok |okay )*(share|publish)\b|\b(share|publish) (it|this|that|the|my|our|them|a link)\b|\b(public|share|sharing) link\b|\blink to (it|this|that|the)\b/;
/** "it", "that", "this" (not "this week" or "that day": those name a period). */
export const CHART_REF =
  /\b(it|(that|this)(?! (hour|day|morning|afternoon|evening|night|week|weekend|month|year|quarter|time|period))|the chart|the graph|that chart|this chart|last chart|that graph|this graph|the plot)\b/;
export const CHART_EDIT = /\b(make|turn|change|switch|convert|redraw|show|display|use|instead|rather)\b/;
/** Verbs that change what exists ("change it to…", "turn it into…"), unlike "show", which may ask for a new one. */
/** Another meter on the chart: "add the garage too", "include the heat pump", "the dishwasher as well". */
export const ADD_TO_CHART = /^(please |can you |could you |now |and |also )*(add|include|put in|throw in)\b|\b(too|as well)$/;
/** Verbs that change a chart named by its title ("make the Flat power chart a bar chart"). */
export const NAMED_EDIT = /\b(make|turn|change|switch|convert|redraw)\b/;
export const STRICT_EDIT = /\b(change|turn|switch|convert|make it|make that|make this)\b/;
/** A chart type said with the noun ("an area chart"): the type, not a new chart. */
export const KIND_NOUN = /\b(line|lines|bar|bars|column|area|stacked|heat ?map|summary) (chart|graph|plot)s?\b/g;
/** "what time of day does the flat use the most": when, not which device: a heatmap of the hours. */
export const TIME_OF_DAY =
  /\b(what|which) (time|times|hours?)( of (the )?day)?\b|\bwhen (do|does|did|is|are)\b.*\b(most|highest|peak|busiest)\b/;
export const TAB_WORD = /\b(tab|tabs|dashboard|page)\b/;

export const GOAL =
  /\b(alert|notify|warn|tell) me (if|when)\b|\b(keep|stay|stays|limit|cap|capped|under|below|beneath|not (go |get )?(above|over|exceed)|never (go |get )?(above|over|exceed)|at most|no more than|max(imum)? of|less than|within|goal|target)\b|\b(not|never|don'?t|doesn'?t|shouldn'?t|mustn'?t|can'?t|cannot|won'?t)\b.*\b(more than|over|above|beyond|exceed|exceeds|past)\b/;
export const GOAL_SUBJECT =
  /\b(peak|peaks|limit|fuse|power|load|demand|draw|under|below|keep|cap|goal|target|over|above|beyond|exceeds?|more than)\b/;
export const BATTERY = /\b(batter(y|ies)|powerwall|power wall|storage)\b/;
export const DEFERRABLE = /\b(charged|charge|charging|ready|done|finished|full|run|runs|needs?|must|should)\b/;
export const TARIFF = /\b(tariff|tarif|tarrif|energy plan|electricity plan|supplier|rate|octopus|agile)\b/;
export const PRICE_STATEMENT = /\b(pay|paying|paid|price|costs?|charge[ds]?|rate|tariff)\b/;
export const TARIFF_NAME =
  /\b(?:tariff|tarif|tarrif|plan|rate) (?:is|=|s) (?:now |called |named )?(.+?)(?: now| these days)?$|\b(?:we are|we're|were|we re|i am|i'm|im|i m|we've|we have|we|i) (?:now |currently |just |recently )?(?:on|with|using|switched to|moved to|changed to|gone to|gone with|signed up (?:to|for|with)) (?:the )?(.+?)(?: tariff| plan)?(?: now| these days)?$|\b(?:switch|move|change|set) (?:\w+ )*?(?:to|on) (?:the )?(.+?)(?: tariff| plan)?$/;

export const RUN =
  /\b(run|rerun|re run|refresh|update|redo|recompute)\b.*\b(forecast|model|plan|prediction)s?\b|^(forecast|predict)\b|^run( it| now| again| everything)?$|^run (the |a )?(forecast|model|planner|prediction)|\b(forecast|predict)\b/;
/** When is power cheap: what the plan answers (it runs loads in the cheap hours). */
export const CHEAP_TIME =
  /\b(cheapest|cheaper|cheap) (time|times|hours?|slots?|period)\b|\bwhen (is|are) (it|electricity|power|energy|prices?|rates?) (cheapest|cheaper|cheap|lowest)\b|\bbest time to (run|charge|use)\b/;
/** The price they pay: "what's our tariff?", "how much does a kWh cost us?". */
export const PRICE_QUESTION =
  /\b(price|cost) (of|per) (a |one )?(kwh|unit|kilowatt hour)\b|\b(a|one|per) (kwh|unit|kilowatt hour) (cost|costs)\b|\bwhat( s| is)? (our|my|the) (tariff|rate|unit rate|electricity price)\b|\bwhat (tariff|rate) (are we|am i) on\b/;
export const PLAN = /\b(explain|what s|whats|what is|show|tell me)\b.*\bplan\b|\bplan\b/;
export const LIST_METERS = /\b(list|which|what|show|my|all)\b.*\bmeters\b|^meters$/;
export const LIST_TARIFFS = /\b(list|which|what|show|my|all|imported)\b.*\btariffs\b|^tariffs$/;
export const LIST_TABS = /\b(list|which|what|show|my|all)\b.*\btabs\b|^tabs$/;
export const CREATE_TAB =
  /\b(?:create|add|make|new|open|start)\b (?:me )?(?:a |an |the )?(?:new )?(?:dashboard )?tab\b(?: (?:called|named|titled|for|about))?(.*)$/;

/** Words that start a follow-up ("and the week before?", "now for the garage", "what about yesterday"). */
export const FOLLOW_UP = /^(and|what about|how about|now|same|same for|and for|then|also|ok and|okay and|for|again)\b/;

/** "run the dishwasher overnight", "charge the car by 7": a flexible load, its energy not said. */
export const LOAD_WITHOUT_ENERGY =
  /^(please )?(run|charge|start|schedule)\b.*\b(overnight|tonight|at night|by \d|before \d|when (it s|its|it is) cheap(est)?|in the cheap hours|off peak)\b|\b(needs? to|must|should) (be )?(charged|ready|done|finished|run)\b/;
/** Names of flexible loads the planner can schedule, as a person says them. */
export const LOAD_NAMES: [RegExp, string][] = [
  [/\b(car|ev|electric vehicle|tesla|leaf|van)\b/, "car"],
  [/\bdish ?washer\b/, "dishwasher"],
  [/\bwashing machine|washer\b/, "washing machine"],
  [/\b(tumble )?dryer\b/, "dryer"],
  [/\b(hot water|immersion|water heater|boiler)\b/, "hot water"],
  [/\bheat ?pump\b/, "heat pump"],
  [/\bpool pump\b/, "pool pump"],
];

export const METRIC_LABELS: Record<Metric, string> = {
  power_w: "power",
  energy_wh: "energy",
  voltage_v: "voltage",
  current_a: "current",
  power_factor: "power factor",
  thd_pct: "THD",
  cost: "cost",
};

export function first<T>(text: string, table: [RegExp, T][]): T | undefined {
  return table.find(([pattern]) => pattern.test(text))?.[1];
}

/** A second quantity asked with "and" ("how much did it use, and how much did it cost?"). */
export function secondQuantity(text: string, first: Quantity | undefined): Quantity | undefined {
  if (!first) return undefined;
  const at = text.search(QUANTITY_WORDS.find(([, q]) => q === first)![0]);
  for (const [pattern, quantity] of QUANTITY_WORDS) {
    if (quantity === first) continue;
    const index = text.search(pattern);
    if (index > at && / and /.test(text.slice(at, index))) return quantity;
  }
  return undefined;
}

/** The entry whose words come first in the text. */
export function earliest<T>(text: string, table: [RegExp, T][]): T | undefined {
  let best: { index: number; value: T } | undefined;
  for (const [pattern, value] of table) {
    const index = text.search(pattern);
    if (index >= 0 && (!best || index < best.index)) best = { index, value };
  }
  return best?.value;
}
