import { describe, expect, it } from "vitest";
import type { SeriesSet } from "../../web/src/api/wattboard";
import { chartTraces, compareAnnotations, seriesCsv, valueFormat } from "../../web/src/charts/chart-data";
import { breakdownParts, currencySymbol, formatChange, periodTitle } from "../../web/src/charts/money";
import { breakdownPeriodOf, ChartSpec } from "../../worker/charts/chart-spec-contract";
import { formatEnergy, formatMoney } from "../../worker/costs/money-contract";
import type { PublicMeterSummary } from "../../worker/shares/contract";

const SITE = "8f0b8c5e-4c1a-4d7e-9a55-0c3f2f1e6b10";

function spec(changes: Partial<ChartSpec> = {}): ChartSpec {
  return ChartSpec.parse({
    meterIds: [SITE],
    metric: "cost",
    chartType: "bar",
    window: { kind: "relative", preset: "last_24h" },
    ...changes,
  });
}

const point = (t: string, value: number | null, extra: { covered?: number; note?: string } = {}) => ({
  t,
  avg: value,
  min: value,
  max: value,
  sum: value,
  count: value === null ? 0 : 2,
  ...extra,
});

/** Two hourly cost buckets of a London site, the second without a price, compared with the day before. */
const costs: SeriesSet = {
  metric: "cost",
  unit: "GBP",
  series: [
    {
      meterId: SITE,
      name: "Home",
      timezone: "Europe/London",
      from: "2026-12-05T10:00:00.000Z",
      to: "2026-12-05T12:00:00.000Z",
      bucket: "1h",
      part: "meter",
      points: [
        point("2026-12-05T10:00:00.000Z", 0.42, { covered: 0.87 }),
        point("2026-12-05T11:00:00.000Z", null, { note: "no price after 11:00" }),
      ],
      compare: {
        kind: "previous_period",
        from: "2026-12-04T10:00:00.000Z",
        to: "2026-12-04T12:00:00.000Z",
        points: [point("2026-12-05T10:00:00.000Z", 0.5), point("2026-12-05T11:00:00.000Z", 0.3)],
        changePct: -16,
      },
    },
    { ...emptyUntracked() },
  ],
};

function emptyUntracked() {
  return {
    meterId: SITE,
    name: "Home",
    timezone: "Europe/London",
    from: "2026-12-05T10:00:00.000Z",
    to: "2026-12-05T12:00:00.000Z",
    bucket: "1h" as const,
    part: "untracked" as const,
    points: [point("2026-12-05T10:00:00.000Z", 0.1)],
  };
}

describe("charts of money", () => {
  it("labels a cost axis and its values in the series' currency", () => {
    expect(currencySymbol("GBP")).toBe("£");
    expect(valueFormat("cost", "GBP").axisTitle).toBe("Cost (£)");
    expect(valueFormat("cost", "EUR").axisTitle).toBe("Cost (€)");
    expect(formatMoney(3.456, "GBP")).toContain("£");
    expect(formatMoney(3.456, "GBP")).toContain("3.46");
    const [bars] = chartTraces(spec(), costs);
    expect(bars.hovertemplate).toContain("£%{y:,.2f}");
  });

  it("draws a bucket without a price as a gap, its reason on a mark at the axis, and says how much of a bucket had readings", () => {
    const traces = chartTraces(spec(), costs);
    expect(traces[0].y).toEqual([0.42, null]);
    expect(traces[0].customdata).toEqual([" · 87% covered", ""]);
    const gap = traces.find((t) => String(t.name).endsWith(": gap"))!;
    expect(gap.customdata).toEqual(["no price after 11:00"]);
    expect(gap.y).toEqual([0]);
  });

  it("draws the compared period dashed in the series' colour, with the change, and names the untracked series", () => {
    const traces = chartTraces(spec({ chartType: "line", compare: "previous_period" }), costs);
    const [current, , compared, untracked] = traces;
    expect(compared.line).toMatchObject({ dash: "dash", color: (current.line as { color: string }).color });
    expect(compared.name).toBe("Home · previous period (now ▼ 16%)");
    expect(untracked.name).toBe("Home · untracked");
    const colors = { up: "red", down: "green", neutral: "grey" };
    // Two series but one compared: the corner says by how much, in the good colour for less cost.
    expect(compareAnnotations(spec(), costs, colors)).toMatchObject([
      { text: "<b>▼ 16%</b> vs previous period", font: { color: "green" } },
    ]);
    expect(formatChange(0.2)).toBe("±0%");
  });

  it("exports gaps as empty cells with their reason, and the compared period's rows", () => {
    const csv = seriesCsv(costs).split("\n");
    expect(csv[0]).toContain("covered,note");
    expect(csv[2]).toMatch(/^Home,meter,2026-12-05T11:00:00.000Z,.*,,,,,0,,no price after 11:00$/);
    expect(csv.filter((row) => row.includes(",previous_period,"))).toHaveLength(2);
    expect(csv.filter((row) => row.includes(",untracked,"))).toHaveLength(1);
  });

  it("exports numbers rounded to what the metric's readings carry, without float noise", () => {
    const power: SeriesSet = {
      ...costs,
      metric: "power_w",
      unit: "W",
      series: [
        {
          ...costs.series[0],
          compare: undefined,
          points: [point("2026-12-05T10:00:00.000Z", 358.59999999999997, { covered: 0.333333333 })],
        },
      ],
    };
    expect(seriesCsv(power).split("\n")[1]).toMatch(/,358\.6,358\.6,358\.6,358\.6,2,0\.3333,$/);
    const pennies = {
      ...costs,
      series: [{ ...costs.series[0], compare: undefined, points: [point("2026-12-05T10:00:00.000Z", 0.123456789)] }],
    };
    expect(seriesCsv(pennies).split("\n")[1]).toContain(",0.1235,0.1235,0.1235,0.1235,2,");
  });

  it("sums a breakdown over the calendar period its window is closest to", () => {
    expect(breakdownPeriodOf({ kind: "relative", preset: "last_24h" })).toEqual({ period: "day" });
    expect(breakdownPeriodOf({ kind: "relative", preset: "this_month" })).toEqual({ period: "month" });
    expect(breakdownPeriodOf({ kind: "absolute", from: "2026-11-01T00:00:00Z", to: "2026-11-08T00:00:00Z" })).toEqual({
      period: "week",
      at: "2026-11-01T00:00:00Z",
    });
  });

  it("breaks a site down into its devices, biggest first, then the untracked rest; in energy when a price is missing", () => {
    const month: PublicMeterSummary = {
      name: "Sceaux house",
      timezone: "Europe/Paris",
      period: { kind: "month", from: "2026-12-01T00:00:00+01:00", to: "2027-01-01T00:00:00+01:00" },
      energyKwh: 100,
      covered: 1,
      cost: 25,
      currency: "EUR",
      costNote: null,
      standingCharge: 2.6,
      peakKw: 5,
      peakAt: "2026-12-03T18:00:00+01:00",
      previous: { from: "2026-11-01T00:00:00+01:00", to: "2026-11-06T10:00:00+01:00", energyKwh: 90, cost: 22 },
      changePct: 13.6,
      byDevice: [
        { name: "Kitchen", energyKwh: 10, cost: 2.5, share: 0.1 },
        { name: "Water heater & AC", energyKwh: 40, cost: 10, share: 0.4 },
      ],
      untracked: { energyKwh: 50, cost: 12.5 },
    };
    const inCost = breakdownParts(month, "cost");
    expect(inCost.parts.map((p) => [p.name, p.value, p.untracked])).toEqual([
      ["Water heater & AC", 10, false],
      ["Kitchen", 2.5, false],
      ["Untracked", 12.5, true],
    ]);
    expect(inCost.format(inCost.total)).toContain("€");
    expect(inCost.fallbackNote).toBeNull();

    const unpriced = breakdownParts(
      { ...month, byDevice: [{ ...month.byDevice[0], cost: null }], costNote: "no price after 3 Dec" },
      "cost",
    );
    expect(unpriced.inCost).toBe(false);
    expect(unpriced.parts[0].value).toBe(10);
    expect(unpriced.fallbackNote).toBe("no price after 3 Dec");
    expect(formatEnergy(0.25)).toBe("250 Wh");
    expect(periodTitle(month.period, month.timezone, Date.parse("2026-12-06T12:00:00Z"))).toBe("This month");
    const november = { kind: "month" as const, from: "2026-10-31T23:00:00.000Z", to: "2026-11-30T23:00:00.000Z" };
    expect(periodTitle(november, "Europe/Paris", Date.parse("2026-12-06T12:00:00Z"))).toMatch(
      /1 Nov.* 2026 – 30 Nov.* 2026|Nov 1, 2026 – Nov 30, 2026/,
    );
  });
});
