// Node-only: loading of the real datasets. Prefers ../shared/data (relative to the repository
// root) and falls back to the subset committed under ml/training/data/ (written by ml/training/build-subset.ts).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { FeatureOptions } from "../runtime/features.ts";
import { HOUR_MS, type HourlySeries, type Point, parseCsvSeries, resampleHourly } from "./csv-series.ts";

export const TRAINING_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(TRAINING_DIR, "../..");
/** What the Worker ships: the model files and the tariff presets (ml/runtime). */
export const MODELS_DIR = resolve(TRAINING_DIR, "../runtime/models");
export const RUNTIME_TARIFFS_DIR = resolve(TRAINING_DIR, "../runtime/tariffs");
/** SHARED_DATA_DIR overrides it for a git worktree that does not sit next to ../shared. */
export const SHARED_DATA_DIR = process.env.SHARED_DATA_DIR ?? resolve(REPO_ROOT, "../shared/data");
export const SUBSET_DIR = join(TRAINING_DIR, "data");

/** London dynamic ToU band prices (GBP/kWh), published with the Low Carbon London trial. */
export const LONDON_BAND_PRICES = { High: 0.672, Normal: 0.1176, Low: 0.0399 } as const;
/** The trial's flat standard tariff (GBP/kWh). */
export const LONDON_FLAT_PRICE = 0.14228;

export type Source = "lcl" | "sceaux" | "hue";

export interface Household {
  id: string;
  source: Source;
  series: HourlySeries;
}

/** Where each dataset's homes are: the calendar and sun features use the local time and place, as the Worker does for a meter. */
const SOURCE_PLACES: Record<Source, Required<FeatureOptions>> = {
  lcl: { timeZone: "Europe/London", latitude: 51.5074, longitude: -0.1278 },
  sceaux: { timeZone: "Europe/Paris", latitude: 48.7786, longitude: 2.2906 },
  hue: { timeZone: "America/Vancouver", latitude: 49.2827, longitude: -123.1207 },
};

export function featureOptionsOf(h: Pick<Household, "source">): FeatureOptions {
  return SOURCE_PLACES[h.source];
}

export interface Dataset {
  origin: "shared" | "committed";
  dir: string;
  households: Household[];
}

export function sharedDataAvailable(): boolean {
  return existsSync(join(SHARED_DATA_DIR, "lcl_london_2013", "households"));
}

/** LCL: `LCLid,tstp,energy(kWh/hh)`, half-hourly, values with stray spaces. */
export function loadLclFile(path: string): HourlySeries {
  const pts = parseCsvSeries(readFileSync(path, "utf8"), { timeColumn: "tstp", valueColumn: "energy(kwh/hh)" });
  return resampleHourly(pts, { how: "sum", intervalMs: HOUR_MS / 2 });
}

/** UCI Sceaux: hourly sums of minute kW in Global_active_power, so kWh = value / 60. */
export function loadSceauxFile(path: string): HourlySeries {
  const pts = parseCsvSeries(readFileSync(path, "utf8"), { timeColumn: "datetime", valueColumn: "global_active_power" });
  return resampleHourly(
    pts.map((p) => ({ t: p.t, v: p.v / 60 })),
    { how: "sum", intervalMs: HOUR_MS },
  );
}

/** HUE: `date,hour,energy_kWh` with date as M/D/YYYY and hour 0-23. */
export function loadHueFile(path: string): HourlySeries {
  const lines = readFileSync(path, "utf8").split(/\r?\n/);
  const pts: Point[] = [];
  for (let i = 1; i < lines.length; i++) {
    const [d, h, e] = lines[i].split(",");
    if (!d || h === undefined) continue;
    const [m, day, y] = d.split("/").map(Number);
    const t = Date.UTC(y, m - 1, day, Number(h));
    const v = e === undefined || e.trim() === "" ? NaN : Number(e);
    pts.push({ t, v: Number.isFinite(v) ? v : NaN });
  }
  pts.sort((a, b) => a.t - b.t);
  return resampleHourly(pts, { how: "sum", intervalMs: HOUR_MS });
}

/** London dynamic tariff as half-hourly points in GBP/kWh from the original band table. */
export function loadLondonTariffShared(): Point[] {
  const text = readFileSync(join(SHARED_DATA_DIR, "lcl_london_2013", "Tariffs_table.csv"), "utf8");
  const out: Point[] = [];
  for (const line of text.split(/\r?\n/).slice(1)) {
    if (!line.trim()) continue;
    const [ts, band] = line.replace(/"/g, "").split(",");
    const price = LONDON_BAND_PRICES[band.trim() as keyof typeof LONDON_BAND_PRICES];
    if (price === undefined) throw new Error(`unknown tariff band ${band}`);
    out.push({ t: Date.parse(`${ts.trim().replace(" ", "T")}Z`), v: price });
  }
  return out;
}

export const LONDON_TARIFF_CSV = join(SUBSET_DIR, "tariffs", "london-dynamic-2013.csv");

/** London dynamic tariff points (GBP/kWh), from the shared data or the committed CSV. */
export function loadLondonTariff(): Point[] {
  if (sharedDataAvailable()) return loadLondonTariffShared();
  return parseCsvSeries(readFileSync(LONDON_TARIFF_CSV, "utf8"), { valueColumn: "price_per_kwh" });
}

function loadShared(): Dataset {
  const households: Household[] = [];
  const dir = join(SHARED_DATA_DIR, "lcl_london_2013", "households");
  for (const f of readdirSync(dir)
    .filter((f) => f.endsWith(".csv"))
    .sort()) {
    households.push({ id: f.replace(/\.csv$/, ""), source: "lcl", series: loadLclFile(join(dir, f)) });
  }
  const sceaux = join(SHARED_DATA_DIR, "uci_sceaux_hourly", "household_power_consumption_hourly.csv");
  if (existsSync(sceaux)) households.push({ id: "UCI_SCEAUX", source: "sceaux", series: loadSceauxFile(sceaux) });
  const hue = join(SHARED_DATA_DIR, "hue_residential_1", "Residential_1.csv");
  if (existsSync(hue)) households.push({ id: "HUE_RES1", source: "hue", series: loadHueFile(hue) });
  return { origin: "shared", dir: SHARED_DATA_DIR, households };
}

export interface SubsetManifestEntry {
  id: string;
  source: Source;
  file: string;
}

function loadCommitted(): Dataset {
  const manifest = JSON.parse(readFileSync(join(SUBSET_DIR, "households.json"), "utf8")) as {
    households: SubsetManifestEntry[];
  };
  const households = manifest.households.map((h) => ({
    id: h.id,
    source: h.source,
    series: resampleHourly(parseCsvSeries(readFileSync(join(SUBSET_DIR, h.file), "utf8")), { how: "sum" }),
  }));
  return { origin: "committed", dir: SUBSET_DIR, households };
}

/** All households: the full shared data when present, else the committed subset. */
export function loadDataset(opts: { forceCommitted?: boolean } = {}): Dataset {
  return !opts.forceCommitted && sharedDataAvailable() ? loadShared() : loadCommitted();
}

/** Deterministic PRNG (mulberry32). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffled<T>(xs: readonly T[], rand: () => number): T[] {
  const a = xs.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export const SPLIT_SEED = 20130101;
export const N_HELD_OUT_LONDON = 10;

/**
 * Splits London households by whole household: a seeded choice of N_HELD_OUT_LONDON held-out
 * households (never trained on); the rest train. Non-London houses are always held out.
 */
export function splitHouseholds(ids: { id: string; source: Source }[]): { train: string[]; heldOut: string[] } {
  const london = ids
    .filter((h) => h.source === "lcl")
    .map((h) => h.id)
    .sort();
  const held = new Set(shuffled(london, mulberry32(SPLIT_SEED)).slice(0, N_HELD_OUT_LONDON));
  return {
    train: london.filter((id) => !held.has(id)),
    heldOut: [...london.filter((id) => held.has(id)), ...ids.filter((h) => h.source !== "lcl").map((h) => h.id)],
  };
}

/**
 * The committed household split (ml/training/data/households.json, written by ml/training/build-subset.ts from the
 * full data with splitHouseholds). Training and evaluation both read it, so the held-out set does
 * not depend on which data is present on the machine.
 */
export function loadSplit(): { train: string[]; heldOut: string[] } {
  const m = JSON.parse(readFileSync(join(SUBSET_DIR, "households.json"), "utf8")) as {
    train: string[];
    heldOut: string[];
  };
  return { train: m.train, heldOut: m.heldOut };
}
