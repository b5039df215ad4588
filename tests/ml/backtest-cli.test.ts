import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const dir = mkdtempSync(join(tmpdir(), "wattboard-backtest-"));

/** 10 days of half-hourly kWh (a few missing), so 3 midnights have 7 days of history. */
function writeSeries(): string {
  const rows = ["timestamp,kwh"];
  const t0 = Date.UTC(2013, 5, 1);
  for (let i = 0; i < 10 * 48; i++) {
    const h = (i / 2) % 24;
    const v = 0.1 + 0.25 * Math.exp(-((h - 19) ** 2) / 4) + 0.02 * Math.sin(i * 1.3);
    const ts = new Date(t0 + i * 1_800_000).toISOString().replace("T", " ").slice(0, 19);
    rows.push(i % 97 === 50 ? `${ts},` : `${ts},${v.toFixed(4)}`);
  }
  const p = join(dir, "series.csv");
  writeFileSync(p, `${rows.join("\n")}\n`);
  return p;
}

function writeTariff(): string {
  const rows = ["timestamp,price_per_kwh"];
  const t0 = Date.UTC(2013, 5, 1);
  for (let i = 0; i < 10 * 48; i++) {
    const h = (i / 2) % 24;
    rows.push(`${new Date(t0 + i * 1_800_000).toISOString()},${h >= 17 && h < 21 ? 0.672 : h < 6 ? 0.0399 : 0.1176}`);
  }
  const p = join(dir, "tariff.csv");
  writeFileSync(p, `${rows.join("\n")}\n`);
  return p;
}

async function backtest(args: string[]) {
  return run(TSX, [join(ROOT, "ml", "training", "backtest.ts"), ...args], { cwd: ROOT });
}

function expectShape(out: unknown) {
  const o = out as Record<string, Record<string, unknown>>;
  expect(Object.keys(o).sort()).toEqual(["forecast", "optimization"]);
  expect(Object.keys(o.forecast).sort()).toEqual(["baselines", "by_lead", "coverage_80", "cvrmse", "nmbe", "pinball"]);
  expect(Object.keys(o.forecast.baselines as object).sort()).toEqual([
    "persistence_ensemble",
    "pinball_persistence",
    "previous_day",
    "previous_week",
  ]);
  const byLead = o.forecast.by_lead as unknown as Record<string, number>[];
  expect(byLead.map((b) => b.lead_h)).toEqual([1, 6, 24]);
  for (const b of byLead) expect(Object.keys(b).sort()).toEqual(["cvrmse", "last_value", "lead_h", "persistence_ensemble"]);
  expect(o.forecast.coverage_80).toBeGreaterThanOrEqual(0);
  expect(o.forecast.coverage_80).toBeLessThanOrEqual(1);
  expect(Object.keys(o.optimization).sort()).toEqual([
    "cost_no_battery",
    "cost_optimum",
    "cost_oracle",
    "cost_plan",
    "cost_rule",
    "mode",
    "rule_savings_vs_optimum",
    "savings_captured",
    "savings_vs_optimum",
  ]);
  expect(o.optimization.mode).toBe("rolling");
  const { mode: _, ...costs } = o.optimization;
  const nums = [
    o.forecast.cvrmse,
    o.forecast.nmbe,
    o.forecast.pinball,
    ...byLead.flatMap((b) => Object.values(b)),
    ...Object.values(o.forecast.baselines as object),
    ...Object.values(costs),
  ];
  for (const n of nums) {
    expect(typeof n).toBe("number");
    expect(Number.isFinite(n)).toBe(true);
  }
  return o as unknown as {
    forecast: { cvrmse: number; nmbe: number; baselines: Record<string, number> };
    optimization: {
      cost_no_battery: number;
      cost_plan: number;
      cost_oracle: number;
      savings_captured: number;
      cost_optimum: number;
      savings_vs_optimum: number;
      cost_rule: number;
      rule_savings_vs_optimum: number;
    };
  };
}

describe("npm run ml:backtest", () => {
  const series = writeSeries();
  const tariff = writeTariff();

  it("prints exactly one JSON object of the contract's shape (with a tariff and a battery)", async () => {
    const { stdout } = await backtest(["--series", series, "--tariff", tariff, "--battery-kwh", "4", "--battery-kw", "2"]);
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const o = expectShape(JSON.parse(lines[0]));
    expect(o.forecast.cvrmse).toBeGreaterThan(0);
    expect(o.forecast.cvrmse).toBeLessThan(1);
    // A battery against an evening peak price must save money, and never beat the oracle by cost.
    expect(o.optimization.cost_plan).toBeLessThan(o.optimization.cost_no_battery);
    expect(o.optimization.cost_oracle).toBeLessThan(o.optimization.cost_no_battery);
    expect(o.optimization.savings_captured).toBeCloseTo(
      (o.optimization.cost_no_battery - o.optimization.cost_plan) / (o.optimization.cost_no_battery - o.optimization.cost_oracle),
      9,
    );
    // The whole-period optimum bounds the rolling plans and the hand rule.
    const opt = o.optimization;
    expect(opt.cost_optimum).toBeLessThanOrEqual(Math.min(opt.cost_plan, opt.cost_rule, opt.cost_oracle) + 1e-9);
    expect(opt.savings_vs_optimum).toBeCloseTo((opt.cost_no_battery - opt.cost_plan) / (opt.cost_no_battery - opt.cost_optimum), 9);
    expect(opt.rule_savings_vs_optimum).toBeCloseTo((opt.cost_no_battery - opt.cost_rule) / (opt.cost_no_battery - opt.cost_optimum), 9);
    expect(opt.rule_savings_vs_optimum).toBeGreaterThan(0);
  });

  it("uses a flat price without a tariff (nothing to capture: the battery stays idle)", async () => {
    const { stdout } = await backtest(["--series", series]);
    const o = expectShape(JSON.parse(stdout));
    expect(o.optimization.cost_plan).toBeCloseTo(o.optimization.cost_no_battery, 9);
    expect(o.optimization.cost_oracle).toBeCloseTo(o.optimization.cost_no_battery, 9);
    expect(o.optimization.savings_captured).toBe(1);
    expect(o.optimization.cost_optimum).toBeCloseTo(o.optimization.cost_no_battery, 9);
    expect(o.optimization.cost_rule).toBeCloseTo(o.optimization.cost_no_battery, 9);
    expect(o.optimization.savings_vs_optimum).toBe(1);
  });

  it("fails with a message and no stdout on bad input", async () => {
    const err = await backtest(["--tariff", tariff]).then(
      () => null,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(err).not.toBeNull();
    expect(err!.code).toBe(1);
    expect(err!.stdout).toBe("");
    expect(err!.stderr).toMatch(/--series/);
    const short = join(dir, "short.csv");
    writeFileSync(short, "timestamp,kwh\n2013-01-01T00:00Z,1\n2013-01-01T01:00Z,1\n");
    const err2 = await backtest(["--series", short]).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err2!.stderr).toMatch(/too short/);
  });
});
