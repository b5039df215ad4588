import type { z } from "zod";
import type { Chart, CreateChartBody } from "../../worker/charts/contract";
import type { Meter, MeterWithWebhook, UpdateMeterBody } from "../../worker/meters/contract";
import type { ModelRun } from "../../worker/runs/contract";
import type { SeriesSet } from "../../worker/series/contract";
import type { Tab, TabWithCharts } from "../../worker/tabs/contract";

export type { SeriesSet };

/** An API error in words a person can act on (from the server's error envelope). */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let accessToken: string | null = null;
let onUnauthorized: () => void = () => {};

export function setAccessToken(token: string | null, whenRejected: () => void = () => {}) {
  accessToken = token;
  onUnauthorized = whenRejected;
}

/** keepalive: the request outlives the page (a deferred delete committed as the tab closes). */
export async function api<T>(method: string, path: string, body?: unknown, options: { keepalive?: boolean } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...(accessToken ? { Authorization: `Bearer ${accessToken}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      keepalive: options.keepalive,
    });
  } catch {
    throw new ApiRequestError(0, "network", "Cannot reach Wattboard. Check your connection and try again.");
  }
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    const error = payload?.error;
    if (response.status === 401) onUnauthorized();
    throw new ApiRequestError(response.status, error?.code ?? "http_error", error?.message ?? `The server answered ${response.status}`);
  }
  return payload as T;
}

export type AuthSetup = { mode: "dev" } | { mode: "supabase"; supabaseUrl: string; anonKey: string } | { mode: "unconfigured" };

export const wattboard = {
  authSetup: () => api<AuthSetup>("GET", "/api/auth/config"),
  devSignIn: (email: string) => api<{ access_token: string; expires_at: number; user: { id: string; email: string } }>("POST", "/api/auth/dev", { email }),
  me: () => api<{ id: string; email: string | null }>("GET", "/api/me"),
  listTabs: () => api<{ tabs: Tab[] }>("GET", "/api/tabs").then((r) => r.tabs),
  getTab: (id: string) => api<TabWithCharts>("GET", `/api/tabs/${id}`),
  createTab: (title: string) => api<Tab>("POST", "/api/tabs", { title }),
  updateTab: (id: string, changes: { title?: string; position?: number }) => api<Tab>("PATCH", `/api/tabs/${id}`, changes),
  deleteTab: (id: string, options?: { keepalive?: boolean }) => api<{ deleted: true }>("DELETE", `/api/tabs/${id}`, undefined, options),
  createChart: (chart: z.input<typeof CreateChartBody>) => api<Chart>("POST", "/api/charts", chart),
  updateChart: (id: string, changes: Partial<Pick<Chart, "title" | "spec" | "layout" | "tabId">>) => api<Chart>("PATCH", `/api/charts/${id}`, changes),
  deleteChart: (id: string) => api<{ deleted: true }>("DELETE", `/api/charts/${id}`),
  listMeters: () => api<{ meters: Meter[] }>("GET", "/api/meters").then((r) => r.meters),
  createMeter: (meter: { name: string; timezone: string; kind: "site" | "device"; parentId?: string }) => api<MeterWithWebhook>("POST", "/api/meters", meter),
  updateMeter: (id: string, changes: z.input<typeof UpdateMeterBody>) => api<Meter>("PATCH", `/api/meters/${id}`, changes),
  runModel: (id: string) => api<ModelRun>("POST", `/api/meters/${id}/runs`),
  latestRun: (id: string) => api<ModelRun>("GET", `/api/meters/${id}/runs/latest`),
  rotateMeterSecret: (id: string) => api<MeterWithWebhook>("POST", `/api/meters/${id}/webhook/rotate`),
  deleteMeter: (id: string, confirm?: string) => api<{ deleted: true; readingsDeleted: number }>("DELETE", `/api/meters/${id}${confirm ? `?confirm=${confirm}` : ""}`),
  series: (query: URLSearchParams) => api<SeriesSet>("GET", `/api/series?${query}`),
};

export type MeterWithWebhook = z.infer<typeof MeterWithWebhook>;

/** The words to show for anything thrown by a request. */
export function errorText(caught: unknown): string {
  return caught instanceof Error ? caught.message : String(caught);
}
