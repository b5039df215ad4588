import { describe, expect, it } from "vitest";
import { duePeriod, type SendMoment } from "../../worker/reports/periods";

const iso = (period: { from: Date; to: Date } | null) => period && { from: period.from.toISOString(), to: period.to.toISOString() };
const due = (moment: SendMoment, zone: string, at: string) => iso(duePeriod(moment, zone, new Date(at)));
const mondays8: SendMoment = { cadence: "week", dayOffset: 0, hour: 8 };

describe("duePeriod", () => {
  it("makes the week before due from the chosen weekday and hour of the meter's clock, and nothing before", () => {
    expect(due(mondays8, "Europe/London", "2026-11-30T07:59:59Z")).toBeNull();
    const lastWeek = { from: "2026-11-23T00:00:00.000Z", to: "2026-11-30T00:00:00.000Z" };
    expect(due(mondays8, "Europe/London", "2026-11-30T08:00:00Z")).toEqual(lastWeek);
    // The whole rest of the week it is the same period: made once, by its unique key.
    expect(due(mondays8, "Europe/London", "2026-12-06T23:59:00Z")).toEqual(lastWeek);
    // A Sunday report: the week before, sent six days into the next one.
    const sundays20: SendMoment = { cadence: "week", dayOffset: 6, hour: 20 };
    expect(due(sundays20, "Europe/London", "2026-12-05T12:00:00Z")).toBeNull();
    expect(due(sundays20, "Europe/London", "2026-12-06T20:00:00Z")).toEqual(lastWeek);
  });

  it("follows the clock change: the spring week is 167 hours and the report's hour is local", () => {
    // London moves to BST on 29 March 2026: Monday 30 March 08:00 is 07:00Z.
    expect(due(mondays8, "Europe/London", "2026-03-30T06:59:00Z")).toBeNull();
    expect(due(mondays8, "Europe/London", "2026-03-30T07:00:00Z")).toEqual({
      from: "2026-03-23T00:00:00.000Z",
      to: "2026-03-29T23:00:00.000Z",
    });
    // An hour the clock skips (01:00 on 29 March) is reached when the clock jumps past it.
    const sundays1: SendMoment = { cadence: "week", dayOffset: 6, hour: 1 };
    expect(due(sundays1, "Europe/London", "2026-03-29T00:59:00Z")).toBeNull();
    expect(due(sundays1, "Europe/London", "2026-03-29T01:00:00Z")).toEqual({
      from: "2026-03-16T00:00:00.000Z",
      to: "2026-03-23T00:00:00.000Z",
    });
  });

  it("makes the month before due on the chosen day, in the meter's zone", () => {
    const firstAtMidnight: SendMoment = { cadence: "month", dayOffset: 0, hour: 0 };
    // 1 April 00:00 BST is 31 March 23:00Z: March began in GMT and ended in BST.
    expect(due(firstAtMidnight, "Europe/London", "2026-03-31T22:59:00Z")).toEqual({
      from: "2026-02-01T00:00:00.000Z",
      to: "2026-03-01T00:00:00.000Z",
    });
    expect(due(firstAtMidnight, "Europe/London", "2026-03-31T23:00:00Z")).toEqual({
      from: "2026-03-01T00:00:00.000Z",
      to: "2026-03-31T23:00:00.000Z",
    });
    // The 28th at 23:00 in New York (EDT since 8 March) is 03:00Z on the 29th.
    const late28th: SendMoment = { cadence: "month", dayOffset: 27, hour: 23 };
    expect(due(late28th, "America/New_York", "2026-03-29T02:59:00Z")).toBeNull();
    expect(due(late28th, "America/New_York", "2026-03-29T03:00:00Z")).toEqual({
      from: "2026-02-01T05:00:00.000Z",
      to: "2026-03-01T05:00:00.000Z",
    });
  });
});
