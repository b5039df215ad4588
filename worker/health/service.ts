import { sql } from "drizzle-orm";
import { MODEL_VERSION } from "../../ml/runtime/forecast";
import type { Database } from "../db/client";
import type { Health, ModelHealth } from "./contract";

const HEALTH_TIMEOUT_MS = 3_000;

/** Whether Postgres answers a trivial query within a few seconds. */
export async function databaseHealth(db: Database): Promise<Health> {
  const reachable = await Promise.race([
    db.execute(sql`select 1`).then(
      () => true,
      () => false,
    ),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), HEALTH_TIMEOUT_MS)),
  ]);
  return reachable ? { ok: true, db: "ok" } : { ok: false, db: "down" };
}

/** Loads the ONNX runtime and the model (once per isolate, behind the lazy import). */
export async function modelHealth(): Promise<ModelHealth> {
  const started = performance.now();
  try {
    const { forecastSession } = await import("../runs/forecast-session");
    await forecastSession();
    return { ok: true, model: MODEL_VERSION, loadMs: Math.round(performance.now() - started) };
  } catch (error) {
    console.error(`model health: ${error instanceof Error ? error.message : String(error)}`);
    return { ok: false, model: MODEL_VERSION };
  }
}
