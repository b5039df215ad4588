import { env } from "cloudflare:test";
import { createApp } from "../../../worker/app";
import { connectDatabase } from "../../../worker/db/client";
import { getMeter } from "../../../worker/meters/queries";
import { insertNotification } from "../../../worker/notifications/queries";
import { insertReportOnce } from "../../../worker/reports/queries";
import { reportContent } from "../../../worker/reports/service";
import { insertModelRun } from "../../../worker/runs/queries";
import { call, createMeter, ownChartSpec, signIn } from "../helpers";

/** One operation of the API as the OpenAPI document describes it. */
export interface Operation {
  method: string;
  /** OpenAPI template, e.g. /api/tabs/{id}. */
  path: string;
  params: string[];
  query: string[];
  hasBody: boolean;
  /** Property names of the JSON body schema, nested ones too (they steer the generated bodies). */
  bodyKeys: string[];
  /** The JSON schemas of the body and of each query parameter, as the document gives them. */
  bodySchema?: unknown;
  querySchemas: { name: string; required: boolean; schema: unknown }[];
  authenticated: boolean;
}

/** The public share pages are plain Hono routes, outside the OpenAPI document. */
const PAGE_OPERATIONS: Operation[] = ["/s/{token}", "/embed/{token}"].map((path) => ({
  method: "GET",
  path,
  params: ["token"],
  query: [],
  hasBody: false,
  bodyKeys: [],
  querySchemas: [],
  authenticated: false,
}));

export async function openApiDocument(): Promise<{ paths: Record<string, Record<string, any>> }> {
  return JSON.parse((await rawFetch("GET", "/api/openapi.json")).text);
}

/** Every operation of the app, read from its own OpenAPI document so new routes are covered. */
export async function routeTable(): Promise<Operation[]> {
  const doc = await openApiDocument();
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const parameters: { in: string; name: string; required?: boolean; schema?: unknown }[] = op.parameters ?? [];
      const schema = op.requestBody?.content?.["application/json"]?.schema;
      operations.push({
        method: method.toUpperCase(),
        path,
        params: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
        query: parameters.filter((p) => p.in === "query").map((p) => p.name),
        hasBody: Boolean(schema),
        bodyKeys: schema ? [...new Set(propertyNames(schema, doc))] : [],
        bodySchema: schema,
        querySchemas: parameters
          .filter((p) => p.in === "query")
          .map((p) => ({ name: p.name, required: Boolean(p.required), schema: p.schema })),
        authenticated: Array.isArray(op.security) && op.security.length > 0,
      });
    }
  }
  return [...operations, ...PAGE_OPERATIONS];
}

function propertyNames(schema: any, doc: any, depth = 0): string[] {
  if (!schema || typeof schema !== "object" || depth > 6) return [];
  if (typeof schema.$ref === "string")
    return propertyNames(
      schema.$ref
        .split("/")
        .slice(1)
        .reduce((node: any, key: string) => node?.[key], doc),
      doc,
      depth + 1,
    );
  const nested = [
    schema.items,
    schema.additionalProperties,
    ...(schema.anyOf ?? []),
    ...(schema.oneOf ?? []),
    ...(schema.allOf ?? []),
    ...Object.values(schema.properties ?? {}),
  ];
  return [...Object.keys(schema.properties ?? {}), ...nested.flatMap((s) => propertyNames(s, doc, depth + 1))];
}

export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => values[name]);
}

export interface RawResult {
  status: number;
  text: string;
  headers: Headers;
}

const app = createApp();

/** The vitest pool has no built SPA: a stand-in index.html (with an inline script, as the real one has). */
const SPA_INDEX =
  "<!doctype html><html><head><title>Wattboard</title><script>document.documentElement.dataset.theme = 'dark';</script></head><body><div id=\"root\"></div></body></html>";
const testEnv = {
  ...env,
  ASSETS: { fetch: async () => new Response(SPA_INDEX, { headers: { "Content-Type": "text/html" } }) } as unknown as Fetcher,
};

/**
 * A request exactly as given (no JSON encoding, no default headers) to the Worker's app with the
 * real bindings. Thousands of requests go this way: through the pool's self-fetch
 * (`exports.default.fetch`) each request of a test gets slower than the last (8 ms, then 380 ms
 * after 800), while the app itself stays flat.
 */
export async function rawFetch(
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string } = {},
): Promise<RawResult> {
  const waits: Promise<unknown>[] = [];
  const ctx = {
    waitUntil: (p: Promise<unknown>) => void waits.push(p),
    passThroughOnException: () => {},
    props: {},
  } as unknown as ExecutionContext;
  const response = await app.fetch(
    new Request(`http://wattboard.test${path}`, { method, headers: init.headers, body: init.body }),
    testEnv,
    ctx,
  );
  const text = await response.text();
  await Promise.allSettled(waits);
  return { status: response.status, text, headers: response.headers };
}

/** A direct connection for arranging state that has no API (notifications, model runs). */
export async function withDb<T>(work: (db: ReturnType<typeof connectDatabase>["db"]) => Promise<T>): Promise<T> {
  const connection = connectDatabase(env.DATABASE_URL!, env.DB_WS_PROXY);
  try {
    return await work(connection.db);
  } finally {
    await connection.close();
  }
}

/**
 * A user owning one of every kind of resource, so routes can be tried with real ids. The meter has
 * no readings: nothing here (or in what the tests do with it) makes the model run.
 */
export async function populatedUser(label: string) {
  const user = await signIn(label);
  const { token } = user;
  const meter = await createMeter(token, { name: "Site" });
  const device = await createMeter(token, { name: "Heat pump", kind: "device", parentId: meter.id });
  const tab = (await call("POST", "/api/tabs", { token, body: { title: "Home" } })).body;
  const chart = (await call("POST", "/api/charts", { token, body: { tabId: tab.id, title: "Power", spec: await ownChartSpec(token) } }))
    .body;
  const agent = (await call("POST", "/api/agents", { token, body: { name: "Mine", instructions: "be brief" } })).body;
  const session = (await call("POST", "/api/chat/sessions", { token, body: { title: "About power" } })).body;
  const chartShare = (await call("POST", "/api/shares", { token, body: { kind: "chart", id: chart.id } })).body;
  const tabShare = (await call("POST", "/api/shares", { token, body: { kind: "tab", id: tab.id } })).body;
  const channel = (
    await call("POST", "/api/channels", { token, body: { kind: "webhook", name: "Server", url: "https://hooks.example.com/wattboard" } })
  ).body;
  const alertRule = (
    await call("POST", "/api/alert-rules", {
      token,
      body: { meterId: meter.id, kind: "threshold", metric: "power_w", op: "above", value: 7000, for: "PT10M", channels: [channel.id] },
    })
  ).body;
  const annotation = (
    await call("POST", "/api/annotations", {
      token,
      body: { meterId: device.id, kind: "away", text: "Away", startsAt: "2026-11-10T00:00:00Z", endsAt: "2026-11-17T00:00:00Z" },
    })
  ).body;
  const { run, notification, report } = await withDb(async (db) => {
    const run = await insertModelRun(db, {
      meterId: meter.id,
      ownerId: user.userId,
      trigger: "manual",
      modelVersion: "test",
      inputFrom: new Date(Date.now() - 168 * 3_600_000),
      inputTo: new Date(),
      forecastKwh: Array(24).fill(0.5),
      plan: Array.from({ length: 24 }, (_, h) => ({
        t: new Date(Date.now() + h * 3_600_000).toISOString(),
        priceKwh: 0.25,
        loadKwh: 0.5,
        chargeKwh: 0,
        dischargeKwh: 0,
        socKwh: 0,
        deferrableKwh: {},
        gridKwh: 0.5,
      })),
      figures: {
        expectedCost: 1,
        baselineCost: 1,
        savings: 0,
        peakKw: 2,
        baselinePeakKw: 2,
        forecastKwh: 12,
        currency: "GBP",
        defaultTariff: true,
        historyHoursWithData: 168,
      },
      findings: [],
    });
    const notification = await insertNotification(db, {
      ownerId: user.userId,
      meterId: meter.id,
      runId: run.id,
      kind: "peak_over_limit",
      title: "Peak",
      body: "A peak",
      context: [],
    });
    const period = { from: new Date("2026-11-23T00:00:00Z"), to: new Date("2026-11-30T00:00:00Z") };
    const site = (await getMeter(db, user.userId, meter.id))!;
    const report = await insertReportOnce(db, {
      ownerId: user.userId,
      meterId: meter.id,
      cadence: "week",
      periodFrom: period.from,
      periodTo: period.to,
      content: await reportContent(db, site, "week", period, new Date()),
    });
    return { run, notification, report: report! };
  });
  for (const [what, value] of Object.entries({ tab, chart, agent, session, chartShare, tabShare, channel, alertRule, annotation })) {
    if (!value?.id && !value?.token) throw new Error(`could not create the ${what}: ${JSON.stringify(value)}`);
  }
  return {
    ...user,
    meter,
    device,
    tab,
    chart,
    agent,
    session,
    chartShare,
    tabShare,
    channel,
    alertRule,
    annotation,
    run,
    notification,
    report,
  };
}

export type PopulatedUser = Awaited<ReturnType<typeof populatedUser>>;

/** Every id and token the user owns, by kind. */
export function ownedIds(user: PopulatedUser) {
  return {
    uuids: [
      user.meter.id,
      user.device.id,
      user.tab.id,
      user.chart.id,
      user.agent.id,
      user.notification.id,
      user.run.id,
      user.channel.id,
      user.report.id,
      user.alertRule.id,
      user.annotation.id,
    ],
    sessions: [user.session.id],
    tokens: [user.chartShare.token, user.tabShare.token],
  };
}
