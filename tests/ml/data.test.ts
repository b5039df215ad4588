import { describe, expect, it } from "vitest";
import { HOUR_MS } from "../../ml/training/csv-series.ts";
import { loadDataset, loadSplit, sharedDataAvailable } from "../../ml/training/data.ts";

describe("committed data subset", () => {
  const committed = loadDataset({ forceCommitted: true });
  const split = loadSplit();

  it("loads hourly households with their split, and train/held-out never overlap", () => {
    expect(committed.origin).toBe("committed");
    expect(committed.households.length).toBeGreaterThanOrEqual(10);
    const held = new Set(split.heldOut);
    for (const id of split.train) expect(held.has(id)).toBe(false);
    // every held-out household ships in the subset, so ml:eval runs without ../shared/data
    const ids = new Set(committed.households.map((h) => h.id));
    for (const id of split.heldOut) expect(ids.has(id)).toBe(true);
    for (const h of committed.households) {
      expect(h.series.start % HOUR_MS).toBe(0);
      const ok = h.series.values.filter(Number.isFinite);
      expect(ok.length).toBeGreaterThan(24 * 8);
      for (const v of ok) expect(v).toBeGreaterThanOrEqual(0);
    }
  });

  it.skipIf(!sharedDataAvailable())("matches the full data (hourly sums of the half-hourly files) to 3 decimals", () => {
    const full = new Map(loadDataset().households.map((h) => [h.id, h]));
    for (const h of committed.households.filter((x) => x.source === "lcl")) {
      const f = full.get(h.id)!;
      expect(f.series.start).toBe(h.series.start);
      expect(f.series.values.length).toBe(h.series.values.length);
      h.series.values.forEach((v, i) => {
        if (Number.isFinite(v)) expect(Math.abs(v - f.series.values[i])).toBeLessThanOrEqual(0.0005 + 1e-9);
        else expect(f.series.values[i]).toBeNaN();
      });
    }
  });
});
