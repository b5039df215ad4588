/**
 * The demo that `npm run dev` runs: a demo user with meters fed from real households
 * (scripts/demo/data), replayed through the real signed webhook with the data shifted so its
 * last reading is "now", then kept live: each completed interval is posted when its time comes,
 * and every few seconds the current interval's average power, so dashboards move.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ChartSpec } from "../../worker/charts/chart-spec-contract";
import { signWebhookBody } from "../../worker/meters/webhook-secrets";
import type { Reading } from "../../worker/readings/contract";

export const DEMO_EMAIL = "demo@wattboard.local";
const LIVE_INTERVAL_MS = 5_000;
const HOUR = 3_600_000;

type Row = Record<string, number>;

interface DemoMeter {
  key: string;
  /** Tariff and flexible assets the planner uses for this meter. */
  energy?: Record<string, unknown>;
  name: string;
  timezone: string;
  kind: "site" | "device";
  parent?: string;
  file: string;
  stepMs: number;
  /** The reading for a completed interval (ts = its end), and the live sample during it. */
  reading(row: Row, stepHours: number): Omit<Reading, "ts">;
}

const sceauxSite = (row: Row, h: number) => ({
  energy_wh: row.kwh * 1000,
  power_w: (row.kwh * 1000) / h,
  voltage_v: row.voltage_v,
  current_a: row.current_a,
  power_factor: row.power_factor,
});
const subMeter = (column: string) => (row: Row, h: number) => ({ energy_wh: row[column], power_w: row[column] / h });
const londonFlat = (row: Row, h: number) => ({ energy_wh: row.kwh * 1000, power_w: (row.kwh * 1000) / h });

const METERS: DemoMeter[] = [
  {
    key: "sceaux",
    name: "Sceaux house",
    timezone: "Europe/Paris",
    kind: "site",
    file: "sceaux.csv",
    stepMs: HOUR,
    reading: sceauxSite,
    // French peak/off-peak ("heures creuses") with its daily subscription, and an EV to charge
    // overnight. The sub-meters pay this tariff too (a device inherits its site's): the demo's costs.
    energy: {
      tariff: {
        kind: "tou",
        defaultPrice: 0.27,
        periods: [{ from: "22:00", to: "06:00", price: 0.2 }],
        currency: "EUR",
        standingChargePerDay: 0.52,
      },
      assets: { deferrableLoads: [{ name: "EV", energyKwh: 10, powerKw: 3.7, fromHour: 19, toHour: 7 }], peakLimitKw: 6 },
    },
  },
  {
    key: "kitchen",
    name: "Kitchen",
    timezone: "Europe/Paris",
    kind: "device",
    parent: "sceaux",
    file: "sceaux.csv",
    stepMs: HOUR,
    reading: subMeter("kitchen_wh"),
  },
  {
    key: "laundry",
    name: "Laundry",
    timezone: "Europe/Paris",
    kind: "device",
    parent: "sceaux",
    file: "sceaux.csv",
    stepMs: HOUR,
    reading: subMeter("laundry_wh"),
  },
  {
    key: "heater",
    name: "Water heater & AC",
    timezone: "Europe/Paris",
    kind: "device",
    parent: "sceaux",
    file: "sceaux.csv",
    stepMs: HOUR,
    reading: subMeter("heater_ac_wh"),
  },
  {
    key: "london-a",
    name: "London flat (LCL MAC000002)",
    timezone: "Europe/London",
    kind: "site",
    file: "london-MAC000002.csv",
    stepMs: HOUR / 2,
    reading: londonFlat,
    // The trial's flat rate for households not on the dynamic tariff.
    energy: { tariff: { kind: "flat", price: 0.14228, currency: "GBP", standingChargePerDay: 0.25 } },
  },
  {
    key: "london-b",
    name: "London house on ToU (LCL MAC000048)",
    timezone: "Europe/London",
    kind: "site",
    file: "london-MAC000048.csv",
    stepMs: HOUR / 2,
    reading: londonFlat,
    // The trial's real dynamic tariff, a home battery and a car to charge overnight: its runs plan
    // both against the prices. Its peak limit comes from the demo's chat (DEMO_CHAT).
    energy: {
      tariff: { kind: "preset", name: "london-dynamic-2013", standingChargePerDay: 0.25 },
      assets: {
        battery: { capacityKwh: 5, powerKw: 2.5, roundTripEfficiency: 0.9 },
        deferrableLoads: [{ name: "EV", energyKwh: 7, powerKw: 3.6, fromHour: 19, toHour: 7 }],
      },
    },
  },
];

interface DemoState {
  /** Wall-clock instant that the first row of every dataset is replayed at. */
  anchorMs: number;
  meters: Record<string, { id: string; secret: string }>;
}

function loadRows(file: string): Row[] {
  const [header, ...lines] = readFileSync(fileURLToPath(new URL(`./data/${file}`, import.meta.url)), "utf8")
    .trim()
    .split("\n");
  const columns = header.split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((value, i) => [columns[i], i === 0 ? 0 : Number(value)])));
}

export async function startDemoFeed(options: {
  baseUrl: string;
  stateFile: string;
  log: (line: string) => void;
}): Promise<{ stop(): void }> {
  const { baseUrl, stateFile, log } = options;
  const api = async <T>(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // A proxy's or a crashed Worker's error page is not JSON: kept as text for the error message.
    const text = await response.text();
    let answer: unknown = text;
    try {
      answer = JSON.parse(text);
    } catch {}
    return { status: response.status, body: answer as T };
  };

  const { body: signIn } = seeded(
    "sign in as the demo user",
    await api<{ access_token: string }>("POST", "/api/auth/dev", undefined, { email: DEMO_EMAIL }),
  );
  const token = signIn.access_token;
  const rowsByFile = new Map(METERS.map((m) => [m.file, loadRows(m.file)]));
  const longest = Math.max(...METERS.map((m) => rowsByFile.get(m.file)!.length * m.stepMs));

  const saved: DemoState | undefined = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, "utf8")) : undefined;
  const state: DemoState = { anchorMs: saved?.anchorMs ?? Math.floor((Date.now() - longest) / HOUR) * HOUR, meters: saved?.meters ?? {} };

  // Meters: reuse the saved ones (their secret is shown only once), recreate any that are gone.
  for (const meter of METERS) {
    const known = state.meters[meter.key];
    if (known && (await api("GET", `/api/meters/${known.id}`, token)).status === 200) continue;
    const created = await api<{ id: string; webhook: { secret: string } }>("POST", "/api/meters", token, {
      name: meter.name,
      timezone: meter.timezone,
      kind: meter.kind,
      ...(meter.parent ? { parentId: state.meters[meter.parent].id } : {}),
    });
    seeded(`create meter ${meter.name}`, created);
    state.meters[meter.key] = { id: created.body.id, secret: created.body.webhook.secret };
    if (meter.energy)
      seeded(`set the tariff and assets of ${meter.name}`, await api("PATCH", `/api/meters/${created.body.id}`, token, meter.energy));
  }
  writeFileSync(stateFile, JSON.stringify(state, null, 2), { mode: 0o600 });
  await ensureDemoTab(api, token, state);
  // Before the readings, so the first run after them plans with the limit and quotes the message.
  await ensureDemoChat(api, token, state.meters[DEMO_CHAT.meter].id, log);

  const rowAt = (meter: DemoMeter, slot: number) => {
    const rows = rowsByFile.get(meter.file)!;
    return rows[((slot % rows.length) + rows.length) % rows.length];
  };
  const post = async (meter: DemoMeter, readings: Reading[]) => {
    const { id, secret } = state.meters[meter.key];
    for (let i = 0; i < readings.length; i += 5_000) {
      const body = JSON.stringify({ readings: readings.slice(i, i + 5_000) });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const response = await fetch(`${baseUrl}/api/ingest/${id}`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-Wattboard-Timestamp": timestamp,
          "X-Wattboard-Signature": await signWebhookBody(secret, timestamp, new TextEncoder().encode(body)),
        },
        body,
      });
      if (!response.ok) throw new Error(`demo: webhook answered ${response.status} for ${meter.name}: ${await response.text()}`);
    }
  };

  // Completed intervals up to now, from where each meter left off.
  const lastPosted = new Map<string, number>();
  const postCompletedSlots = async (meter: DemoMeter) => {
    const now = Date.now();
    const { body } = seeded(
      `read the last reading of ${meter.name}`,
      await api<{ lastReadingAt: string | null }>("GET", `/api/meters/${state.meters[meter.key].id}`, token),
    );
    const firstSlot =
      lastPosted.get(meter.key) ?? (body.lastReadingAt ? Math.floor((Date.parse(body.lastReadingAt) - state.anchorMs) / meter.stepMs) : 0);
    const lastSlot = Math.floor((now - state.anchorMs) / meter.stepMs) - 1;
    const readings: Reading[] = [];
    for (let slot = Math.max(firstSlot, 0); slot <= lastSlot; slot++) {
      readings.push({
        ts: new Date(state.anchorMs + (slot + 1) * meter.stepMs).toISOString(),
        ...meter.reading(rowAt(meter, slot), meter.stepMs / HOUR),
      });
    }
    if (readings.length) await post(meter, readings);
    lastPosted.set(meter.key, lastSlot + 1);
    return readings.length;
  };

  for (const meter of METERS) {
    const count = await postCompletedSlots(meter);
    if (count) log(`  demo: replayed ${count.toLocaleString("en")} real readings for ${meter.name}`);
  }
  for (const meter of METERS.filter((m) => m.energy)) {
    const count = await replayPastRuns(api, token, state.meters[meter.key].id);
    if (count) log(`  demo: replayed ${count} past forecasts for ${meter.name}`);
  }

  let stopped = false;
  const tick = async () => {
    for (const meter of METERS) {
      await postCompletedSlots(meter);
      // The live sample: the current interval's average power, so charts move between intervals.
      const slot = Math.floor((Date.now() - state.anchorMs) / meter.stepMs);
      const { energy_wh: _energy, ...live } = meter.reading(rowAt(meter, slot), meter.stepMs / HOUR);
      await post(meter, [{ ts: new Date().toISOString(), ...live }]);
    }
  };
  const loop = async () => {
    while (!stopped) {
      await tick().catch((error: Error) => log(`  demo: ${error.message}`));
      await new Promise((resolve) => setTimeout(resolve, LIVE_INTERVAL_MS));
    }
  };
  void loop();
  return {
    stop: () => {
      stopped = true;
    },
  };
}

type Api = <T>(method: string, path: string, token?: string, body?: unknown) => Promise<{ status: number; body: T }>;

/**
 * A seeding call's answer, or an error naming what failed with the API's status and answer: a
 * demo whose seed silently failed shows an empty tab with nothing saying why.
 */
export function seeded<T>(what: string, result: { status: number; body: T }): { status: number; body: T } {
  if (result.status >= 200 && result.status < 300) return result;
  throw new Error(`demo: could not ${what}: the API answered ${result.status} ${JSON.stringify(result.body)}`);
}

/** Days of past forecasts the demo replays, one every REPLAY_EVERY_HOURS, so its accuracy panel has a record at once. */
const REPLAY_DAYS = 14;
const REPLAY_EVERY_HOURS = 6;

/** The forecasts a meter live for the last two weeks would have made (once: skipped when it has a record). */
async function replayPastRuns(api: Api, token: string, meterId: string): Promise<number> {
  const { body } = seeded(
    "read the forecast record",
    await api<{ runs: number }>("GET", `/api/meters/${meterId}/forecast-accuracy?days=${REPLAY_DAYS}`, token),
  );
  if (body.runs > 1) return 0;
  const lastHour = Math.floor(Date.now() / HOUR) * HOUR;
  let count = 0;
  for (let hoursAgo = REPLAY_DAYS * 24; hoursAgo >= REPLAY_EVERY_HOURS; hoursAgo -= REPLAY_EVERY_HOURS) {
    const asOf = new Date(lastHour - hoursAgo * HOUR).toISOString();
    const replay = await api("POST", `/api/meters/${meterId}/runs/replays`, token, { asOf });
    // 409: not enough readings before that hour yet, which the first days of a dataset are.
    if (replay.status !== 409) seeded(`replay the forecast of ${asOf}`, replay);
    if (replay.status === 201) count++;
  }
  return count;
}

/**
 * A chat in which the person set a goal, said as a person would, through the real chat API: the
 * Optimizer (the offline engine unless an LLM is configured) sets the London house's peak limit,
 * and the runs that follow quote the message in their notification (the EV charging at 3.6 kW at
 * night plans a peak above 3 kW).
 */
export const DEMO_CHAT = {
  meter: "london-b",
  title: "Planning the London house",
  statement: "Keep the peak of the London house on ToU under 3 kW, the fuse trips above that.",
  peakLimitKw: 3,
};

/** Sent once: again only when the meter has no peak limit (it was recreated). */
async function ensureDemoChat(api: Api, token: string, meterId: string, log: (line: string) => void) {
  const { body: meter } = seeded(
    "read the London house",
    await api<{ assets: Record<string, unknown> | null }>("GET", `/api/meters/${meterId}`, token),
  );
  if (meter.assets?.peakLimitKw) return;
  const { body: list } = seeded(
    "list the chat sessions",
    await api<{ sessions: { id: string; title: string }[] }>("GET", "/api/chat/sessions", token),
  );
  const sessionId =
    list.sessions.find((s) => s.title === DEMO_CHAT.title)?.id ??
    seeded(
      "start the demo's chat session",
      await api<{ id: string }>("POST", "/api/chat/sessions", token, { title: DEMO_CHAT.title, agentId: "optimizer" }),
    ).body.id;
  const turn = await api<{ toolCalls: { tool: string; error: string | null }[] }>(
    "POST",
    `/api/chat/sessions/${sessionId}/messages`,
    token,
    { text: DEMO_CHAT.statement },
  );
  if (turn.status === 200 && turn.body.toolCalls.some((call) => call.tool === "set_goal" && !call.error)) return;
  // An LLM (npm run dev with one configured) may answer without setting it: the runs still plan with the limit.
  log(`  demo: the chat did not set the London house's peak limit (${turn.status}), so it is set directly`);
  seeded(
    "set the London house's peak limit",
    await api("PATCH", `/api/meters/${meterId}`, token, { assets: { ...meter.assets, peakLimitKw: DEMO_CHAT.peakLimitKw } }),
  );
}

/**
 * A first dashboard, so the demo user sees live charts and what they cost at once; left alone once
 * they have tabs. All or nothing: on a failed call the tabs made so far are deleted before the
 * error is thrown, so a retry seeds again instead of keeping a tab with charts missing.
 */
export async function ensureDemoTab(api: Api, token: string, state: Pick<DemoState, "meters">) {
  const { body } = seeded("list the demo's tabs", await api<{ tabs: unknown[] }>("GET", "/api/tabs", token));
  if (body.tabs.length > 0) return;
  const id = (key: string) => state.meters[key].id;
  const created: string[] = [];
  const createTab = async (title: string) => {
    const tab = seeded(`create the ${title} tab`, await api<{ id: string }>("POST", "/api/tabs", token, { title })).body.id;
    created.push(tab);
    return tab;
  };
  try {
    const homeId = await createTab("Home");
    const londonId = await createTab("London");
    // Created after the first charts (lists keep creation order) but laid out above them.
    const charts: { tabId: string; title: string; spec: Partial<ChartSpec>; layout: { x: number; y: number; w: number; h: number } }[] = [
      {
        tabId: homeId,
        title: "Sceaux house: power",
        spec: { meterIds: [id("sceaux")], metric: "power_w", chartType: "line", window: { kind: "relative", preset: "last_24h" } },
        layout: { x: 0, y: 5, w: 8, h: 8 },
      },
      {
        tabId: homeId,
        title: "Voltage",
        spec: { meterIds: [id("sceaux")], metric: "voltage_v", chartType: "line", window: { kind: "relative", preset: "last_24h" } },
        layout: { x: 8, y: 5, w: 4, h: 8 },
      },
      {
        tabId: homeId,
        title: "Where the power goes",
        spec: {
          meterIds: [id("kitchen"), id("laundry"), id("heater")],
          metric: "power_w",
          chartType: "stacked",
          window: { kind: "relative", preset: "last_7d" },
        },
        layout: { x: 0, y: 13, w: 12, h: 8 },
      },
      {
        tabId: homeId,
        title: "What the house costs",
        spec: { meterIds: [id("sceaux")], metric: "cost", chartType: "summary", window: { kind: "relative", preset: "this_month" } },
        layout: { x: 0, y: 0, w: 7, h: 5 },
      },
      {
        tabId: homeId,
        title: "Where the money goes",
        spec: {
          meterIds: [id("sceaux")],
          metric: "cost",
          chartType: "breakdown",
          breakdownStyle: "bars",
          window: { kind: "relative", preset: "this_month" },
        },
        layout: { x: 7, y: 0, w: 5, h: 5 },
      },
      {
        tabId: londonId,
        title: "London house on ToU: power, forecast and plan",
        // The next 24 hours after the last day: the forecast with its likely range, and what the
        // battery and the car's charging make of it against the dynamic prices.
        spec: {
          meterIds: [id("london-b")],
          metric: "power_w",
          chartType: "line",
          window: { kind: "relative", preset: "last_24h" },
          forecast: true,
        },
        layout: { x: 0, y: 0, w: 12, h: 9 },
      },
      {
        tabId: londonId,
        title: "Daily energy",
        spec: {
          meterIds: [id("london-a"), id("london-b")],
          metric: "energy_wh",
          aggregation: "sum",
          chartType: "bar",
          bucket: "1d",
          window: { kind: "relative", preset: "last_30d" },
        },
        layout: { x: 0, y: 9, w: 6, h: 8 },
      },
      {
        tabId: londonId,
        title: "When the ToU house uses energy",
        spec: {
          meterIds: [id("london-b")],
          metric: "energy_wh",
          aggregation: "sum",
          chartType: "heatmap",
          window: { kind: "relative", preset: "last_30d" },
        },
        layout: { x: 6, y: 9, w: 6, h: 8 },
      },
    ];
    for (const chart of charts) seeded(`add the chart “${chart.title}”`, await api("POST", "/api/charts", token, chart));
  } catch (error) {
    for (const tab of created) await api("DELETE", `/api/tabs/${tab}`, token);
    throw error;
  }
}
