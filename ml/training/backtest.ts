// Node-only CLI: `npm run -s ml:backtest -- --series FILE.csv [--tariff FILE.csv]
//   [--battery-kwh N --battery-kw N] [--efficiency 0.9] [--model ml/runtime/models/forecast-<MODEL_VERSION>.onnx]`
// Prints exactly one JSON object on stdout (contract in DESIGN.md); diagnostics go to stderr.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { forecastBatch, MODEL_VERSION } from "../runtime/forecast.ts";
import { DEFAULT_BATTERY, DEFAULT_FLAT_PRICE, priceLookup, runBacktest } from "./backtest-core.ts";
import { parseCsvSeries, resampleHourly } from "./csv-series.ts";
import { MODELS_DIR } from "./data.ts";
import { loadOnnxSession } from "./ort-node.ts";

export const DEFAULT_MODEL = join(MODELS_DIR, `forecast-${MODEL_VERSION}.onnx`);

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) throw new Error(`unexpected argument "${a}"`);
    const eq = a.indexOf("=");
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
    else {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith("--")) throw new Error(`missing value for ${a}`);
      out[a.slice(2)] = v;
      i++;
    }
  }
  return out;
}

function positive(name: string, raw: string | undefined, dflt: number): number {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
  return n;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const known = new Set(["series", "tariff", "battery-kwh", "battery-kw", "efficiency", "model", "time-zone"]);
  for (const k of Object.keys(args)) if (!known.has(k)) throw new Error(`unknown option --${k}`);
  if (!args.series) throw new Error("--series FILE.csv is required (header timestamp,kwh)");
  const series = resampleHourly(parseCsvSeries(readFileSync(args.series, "utf8")), { how: "sum" });
  const price = args.tariff
    ? priceLookup(parseCsvSeries(readFileSync(args.tariff, "utf8"), { valueColumn: "price_per_kwh" }))
    : () => DEFAULT_FLAT_PRICE;
  const battery = {
    capacityKwh: positive("battery-kwh", args["battery-kwh"], DEFAULT_BATTERY.capacityKwh),
    powerKw: positive("battery-kw", args["battery-kw"], DEFAULT_BATTERY.powerKw),
    roundTripEfficiency: positive("efficiency", args.efficiency, DEFAULT_BATTERY.roundTripEfficiency),
  };
  if (battery.roundTripEfficiency <= 0 || battery.roundTripEfficiency > 1) throw new Error("--efficiency must be in (0, 1]");
  const model = await loadOnnxSession(args.model ?? DEFAULT_MODEL);
  // The model's calendar features were trained in London time (the trial's households).
  const timeZone = args["time-zone"] ?? "Europe/London";
  const { result, details } = await runBacktest({
    series,
    price,
    battery,
    forecaster: (reqs) => forecastBatch(model.session, model.Tensor, reqs, { timeZone }),
  });
  console.error(
    `ml:backtest: ${model.runtime}; ${details.windows} days forecast, ${details.optimizedDays} played (${details.playedHours.load.length} hourly re-plans)`,
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e: unknown) => {
  console.error(`ml:backtest: ${(e as Error).message}`);
  process.exit(1);
});
