import { answerOf, byId, client, type Json, type Query, type RequestJson } from "./client";

// Sign-in, tabs and charts, meters and their model runs, series: what the dashboard reads and changes.

export type AuthSetup = Json<"/api/auth/config", "get">;
export type Tab = Json<"/api/tabs", "post">;
export type TabWithCharts = Json<"/api/tabs/{id}", "get">;
export type Chart = Json<"/api/charts/{id}", "get">;
export type Meter = Json<"/api/meters/{id}", "get">;
/** A meter with its webhook secret, shown once: when it is created or its secret rotated. */
export type MeterWithWebhook = Json<"/api/meters", "post">;
export type ModelRun = Json<"/api/meters/{id}/runs/latest", "get">;
export type ForecastAccuracy = Json<"/api/meters/{id}/forecast-accuracy", "get">;
export type SeriesSet = Json<"/api/series", "get">;
export type SeriesQuery = Query<"/api/series", "get">;
export type { MeterSummary } from "../../../worker/costs/contract";
export type SummaryQuery = Query<"/api/meters/{id}/summary", "get">;
export type DataRetention = Json<"/api/data-retention", "get">;

export const wattboard = {
  authSetup: () => answerOf(client.GET("/api/auth/config")),
  devSignIn: (email: string) => answerOf(client.POST("/api/auth/dev", { body: { email } })),
  me: () => answerOf(client.GET("/api/me")),
  /** A single-use ticket that opens the live WebSocket. */
  liveTicket: () => answerOf(client.POST("/api/ws/ticket")),
  listTabs: () => answerOf(client.GET("/api/tabs")).then((r) => r.tabs),
  getTab: (id: string) => answerOf(client.GET("/api/tabs/{id}", byId(id))),
  createTab: (title: string) => answerOf(client.POST("/api/tabs", { body: { title } })),
  updateTab: (id: string, changes: RequestJson<"/api/tabs/{id}", "patch">) =>
    answerOf(client.PATCH("/api/tabs/{id}", { ...byId(id), body: changes })),
  deleteTab: (id: string, options: { keepalive?: boolean } = {}) =>
    answerOf(client.DELETE("/api/tabs/{id}", { ...byId(id), keepalive: options.keepalive })),
  createChart: (chart: RequestJson<"/api/charts", "post">) => answerOf(client.POST("/api/charts", { body: chart })),
  updateChart: (id: string, changes: RequestJson<"/api/charts/{id}", "patch">) =>
    answerOf(client.PATCH("/api/charts/{id}", { ...byId(id), body: changes })),
  deleteChart: (id: string) => answerOf(client.DELETE("/api/charts/{id}", byId(id))),
  listMeters: () => answerOf(client.GET("/api/meters")).then((r) => r.meters),
  createMeter: (meter: RequestJson<"/api/meters", "post">) => answerOf(client.POST("/api/meters", { body: meter })),
  updateMeter: (id: string, changes: RequestJson<"/api/meters/{id}", "patch">) =>
    answerOf(client.PATCH("/api/meters/{id}", { ...byId(id), body: changes })),
  runModel: (id: string) => answerOf(client.POST("/api/meters/{id}/runs", byId(id))),
  latestRun: (id: string) => answerOf(client.GET("/api/meters/{id}/runs/latest", byId(id))),
  forecastAccuracy: (id: string) => answerOf(client.GET("/api/meters/{id}/forecast-accuracy", byId(id))),
  rotateMeterSecret: (id: string) => answerOf(client.POST("/api/meters/{id}/webhook/rotate", byId(id))),
  /** confirm (the meter's id) is required once the meter has readings. */
  deleteMeter: (id: string, confirm?: string) =>
    answerOf(client.DELETE("/api/meters/{id}", { params: { path: { id }, query: { confirm } } })),
  series: (query: SeriesQuery) => answerOf(client.GET("/api/series", { params: { query } })),
  /** What a meter used and cost over a calendar period, against the one before, split across its devices. */
  summary: (id: string, query: SummaryQuery) => answerOf(client.GET("/api/meters/{id}/summary", { params: { path: { id }, query } })),
  dataRetention: () => answerOf(client.GET("/api/data-retention")),
  /** rawDays null keeps raw readings for good. */
  saveDataRetention: (rawDays: number | null) => answerOf(client.PUT("/api/data-retention", { body: { rawDays } })),
};
