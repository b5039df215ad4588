import { OpenAPIHono } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { API_DOCUMENT } from "./api-contract";
import { requireUser } from "./auth/middleware";
import { connectDatabase } from "./db/client";
import { type AppEnv, settingsProblem } from "./env";
import { ApiError, databaseUnavailable, errorChain, isDatabaseUnavailable, routeNotFound } from "./errors";
import { limitChatTurns, limitSignIn } from "./rate-limits";
import { agentsRoutes } from "./routes/agents";
import { alertRulesRoutes } from "./routes/alert-rules";
import { annotationsRoutes } from "./routes/annotations";
import { auditRoutes } from "./routes/audit";
import { authRoutes } from "./routes/auth";
import { channelsRoutes } from "./routes/channels";
import { chartsRoutes } from "./routes/charts";
import { chatRoutes } from "./routes/chat";
import { dataRetentionRoutes } from "./routes/data-retention";
import { engineToolsRoutes } from "./routes/engine-tools";
import { forecastAccuracyRoutes } from "./routes/forecast-accuracy";
import { healthRoutes } from "./routes/health";
import { homesRoutes } from "./routes/homes";
import { ignoredFieldsRoutes } from "./routes/ignored-fields";
import { importsRoutes } from "./routes/imports";
import { influxWriteRoutes } from "./routes/influx-write";
import { ingestRoutes } from "./routes/ingest";
import { invitesRoutes } from "./routes/invites";
import { liveRoutes } from "./routes/live";
import { membersRoutes } from "./routes/members";
import { metersRoutes } from "./routes/meters";
import { modelRunsRoutes } from "./routes/model-runs";
import { notificationsRoutes } from "./routes/notifications";
import { publicSharesRoutes } from "./routes/public-shares";
import { reportsRoutes } from "./routes/reports";
import { seriesRoutes } from "./routes/series";
import { sharePagesRoutes } from "./routes/share-pages";
import { sharesRoutes } from "./routes/shares";
import { summariesRoutes } from "./routes/summaries";
import { tabsRoutes } from "./routes/tabs";
import { tariffsRoutes } from "./routes/tariffs";
import { writeTokensRoutes } from "./routes/write-tokens";

/**
 * Routes reachable without a user token. Everything else under /api requires one: a new route is
 * protected unless it is listed here.
 */
const PUBLIC_ROUTES: { method: string; path: string }[] = [
  { method: "GET", path: "/api/health" },
  { method: "GET", path: "/api/health/model" },
  { method: "GET", path: "/api/openapi.json" },
  { method: "GET", path: "/api/auth/config" },
  { method: "POST", path: "/api/auth/dev" },
  { method: "GET", path: "/api/ws" },
  // Meters authenticate with a per-meter HMAC signature or a write token instead of a user token.
  { method: "POST", path: "/api/ingest/*" },
  // The InfluxDB write API (v2, and v1 outside /api like InfluxDB's) authenticates with a write token.
  { method: "POST", path: "/api/v2/write" },
  { method: "POST", path: "/write" },
  // opencode's tools call back with the server's shared secret instead (routes/engine-tools.ts).
  { method: "POST", path: "/api/internal/opencode/tool" },
  // Anyone with a share token may read what it shares.
  { method: "GET", path: "/api/public/*" },
];
const isPublic = (method: string, path: string) =>
  PUBLIC_ROUTES.some((r) => r.method === method && (r.path.endsWith("/*") ? path.startsWith(r.path.slice(0, -1)) : r.path === path));

const RETRY_AFTER_SECONDS = 5;

const withDatabase = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.env.DATABASE_URL) {
    if (c.req.path === "/api/health") return c.json({ ok: false, db: "down" }, 503);
    throw new ApiError(503, "database_unconfigured", "DATABASE_URL is not set: see the README's configuration section");
  }
  const connection = connectDatabase(c.env.DATABASE_URL, c.env.DB_WS_PROXY, c.env.DB_ONE_SHOT_QUERIES);
  c.set("db", connection.db);
  try {
    await next();
  } finally {
    c.executionCtx.waitUntil(connection.close().catch(() => {}));
  }
});

/** Settings that cannot work fail every request loudly, naming what to fix (never a value). */
const withValidSettings = createMiddleware<AppEnv>(async (c, next) => {
  const problem = settingsProblem(c.env);
  if (problem)
    throw new ApiError(
      503,
      "misconfigured",
      `The server is misconfigured: ${problem}. Fix the Worker's settings (README, "Configuration for a real deployment").`,
    );
  await next();
});

export function createApp() {
  const app = new OpenAPIHono<AppEnv>();
  app.use("*", withValidSettings);

  // API answers are data: never framed, never sniffed, HTTPS only. (A WebSocket upgrade's
  // headers are immutable, so /api/ws is left as it is.)
  const apiSecureHeaders = secureHeaders({
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    crossOriginResourcePolicy: "same-site",
    strictTransportSecurity: "max-age=31536000; includeSubDomains",
    xFrameOptions: "DENY",
  });
  app.use("/api/*", async (c, next) => (c.req.path === "/api/ws" ? next() : apiSecureHeaders(c, next)));
  app.use("/write", apiSecureHeaders);
  app.use("/api/*", withDatabase);
  app.use("/write", withDatabase);
  app.use("/s/*", withDatabase);
  app.use("/embed/*", withDatabase);
  app.route("/", sharePagesRoutes);
  app.use("/api/*", async (c, next) => (isPublic(c.req.method, c.req.path) ? next() : requireUser(c, next)));
  app.use("/api/auth/dev", limitSignIn);
  app.use("/api/chat/sessions/:id/messages", limitChatTurns);

  for (const routes of [
    healthRoutes,
    authRoutes,
    liveRoutes,
    tabsRoutes,
    chartsRoutes,
    metersRoutes,
    writeTokensRoutes,
    ignoredFieldsRoutes,
    ingestRoutes,
    influxWriteRoutes,
    importsRoutes,
    seriesRoutes,
    dataRetentionRoutes,
    tariffsRoutes,
    summariesRoutes,
    modelRunsRoutes,
    forecastAccuracyRoutes,
    notificationsRoutes,
    chatRoutes,
    engineToolsRoutes,
    agentsRoutes,
    sharesRoutes,
    publicSharesRoutes,
    channelsRoutes,
    reportsRoutes,
    alertRulesRoutes,
    annotationsRoutes,
    homesRoutes,
    membersRoutes,
    invitesRoutes,
    auditRoutes,
  ])
    app.route("/", routes);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "A Supabase access token, or in dev mode the token from POST /api/auth/dev",
  });
  app.doc31("/api/openapi.json", API_DOCUMENT);

  app.notFound((c) => c.json(routeNotFound(c.req.method, c.req.path).toBody(), 404));

  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json(error.toBody(), error.status, error.headers);
    if (isDatabaseUnavailable(error)) {
      console.error(`database unavailable on ${c.req.method} ${loggablePath(c.req.path)}: ${describeError(error)}`);
      c.header("Retry-After", String(RETRY_AFTER_SECONDS));
      return c.json(databaseUnavailable().toBody(), 503);
    }
    if (error instanceof HTTPException && error.status < 500) {
      // Hono's validator throws this for a body that is not JSON.
      const code = /JSON/i.test(error.message) ? "invalid_json" : "bad_request";
      return c.json({ error: { code, message: error.message } }, error.status);
    }
    console.error(`unhandled error on ${c.req.method} ${loggablePath(c.req.path)}: ${describeError(error)}`);
    return c.json(
      { error: { code: "internal_error", message: "Something went wrong on our side; try again, and tell us if it keeps happening" } },
      500,
    );
  });

  return app;
}

/** Message and causes, without request data or parameters. */
function describeError(error: unknown): string {
  return errorChain(error)
    .map(({ message, code }) => (code ? `${message} [${code}]` : message))
    .join(" <- ");
}

/** Share tokens and WebSocket tickets are credentials: they never reach the logs. */
function loggablePath(path: string): string {
  return path.replace(/^(\/s|\/embed|.*\/shares)\/[^/]+/, "$1/<token>");
}
