import { describe, expect, it } from "vitest";
import { INITIAL_STATE, judge, type Observation, run, silenceGapMs, silenceStep } from "../../worker/alerts/rule-states";
import { durationMs, RuleDuration } from "../../worker/alerts/rules-contract";

const MINUTE = 60_000;
const t0 = Date.parse("2026-12-03T18:00:00Z");
const at = (minute: number) => new Date(t0 + minute * MINUTE);

/** One reading a minute of the given watts, judged against "above 2000 W". */
const readings = (...watts: number[]): Observation[] => watts.map((w, i) => ({ at: at(i), value: w, ...judge("above", 2000, w) }));

describe("alert rule states", () => {
  it("judges with a 5 % margin on either side", () => {
    expect(judge("above", 2000, 2001)).toEqual({ breaching: true, clear: false });
    expect(judge("above", 2000, 1950)).toEqual({ breaching: false, clear: false });
    expect(judge("above", 2000, 1900)).toEqual({ breaching: false, clear: true });
    expect(judge("below", 5, 4)).toEqual({ breaching: true, clear: false });
    expect(judge("below", 5, 5.2)).toEqual({ breaching: false, clear: false });
    expect(judge("below", 5, 5.25)).toEqual({ breaching: false, clear: true });
  });

  it("fires once the condition has held for the duration, and resolves once clear for it", () => {
    const { tracked, transitions } = run(INITIAL_STATE, readings(2500, 2500, 2500, 1000, 1000, 1000), 2 * MINUTE);
    expect(transitions.map((t) => [t.state, t.at.getTime()])).toEqual([
      ["pending", at(0).getTime()],
      ["firing", at(2).getTime()],
      ["resolved", at(5).getTime()],
    ]);
    expect(tracked).toEqual({ state: "ok", stateSince: null, clearSince: null, lastValue: 1000 });
  });

  it("goes back to ok without firing when the condition stops before the duration", () => {
    const { tracked, transitions } = run(INITIAL_STATE, readings(2500, 2500, 1999, 2500), 5 * MINUTE);
    expect(transitions.map((t) => t.state)).toEqual(["pending", "ok", "pending"]);
    expect(tracked.state).toBe("pending");
    expect(tracked.stateSince).toEqual(at(3));
  });

  it("does not flap while the value hovers at the threshold: one firing, no resolve", () => {
    const hovering = [2500, 2500, 2500, 1990, 2010, 1980, 2020, 1999, 2001, 1960];
    const { tracked, transitions } = run(INITIAL_STATE, readings(...hovering), 2 * MINUTE);
    expect(transitions.map((t) => t.state)).toEqual(["pending", "firing"]);
    expect(tracked.state).toBe("firing");
  });

  it("restarts the resolve hold when the value comes back over the margin", () => {
    const { transitions } = run(INITIAL_STATE, readings(2500, 2500, 2500, 1000, 2500, 1000, 1000, 1000), 2 * MINUTE);
    expect(transitions.map((t) => [t.state, t.at.getTime()])).toEqual([
      ["pending", at(0).getTime()],
      ["firing", at(2).getTime()],
      ["resolved", at(7).getTime()],
    ]);
  });

  it("fires and resolves at once without a hold", () => {
    const { transitions } = run(INITIAL_STATE, readings(2500, 1000), 0);
    expect(transitions.map((t) => t.state)).toEqual(["firing", "resolved"]);
  });

  it("no_data: pending past the gap, firing past the duration (both dated from the last reading), resolved by a reading", () => {
    const last = at(0);
    const forMs = 10 * MINUTE;
    const gapMs = silenceGapMs(MINUTE, forMs);
    expect(gapMs).toBe(2 * MINUTE);
    const quiet = silenceStep(INITIAL_STATE, { at: at(1), lastReadingAt: last, forMs, gapMs });
    expect(quiet.transitions).toEqual([]);
    const late = silenceStep(INITIAL_STATE, { at: at(30), lastReadingAt: last, forMs, gapMs });
    expect(late.transitions.map((t) => [t.state, t.at])).toEqual([
      ["pending", at(2)],
      ["firing", at(10)],
    ]);
    expect(late.transitions[1].value).toBe(30 * 60);
    const still = silenceStep(late.tracked, { at: at(40), lastReadingAt: last, forMs, gapMs });
    expect(still.transitions).toEqual([]);
    const back = silenceStep(late.tracked, { at: at(41), lastReadingAt: at(41), forMs, gapMs });
    expect(back.transitions.map((t) => t.state)).toEqual(["resolved"]);
    expect(back.tracked.state).toBe("ok");
    // A long interval meter: the gap is at most half the duration.
    expect(silenceGapMs(20 * MINUTE, forMs)).toBe(5 * MINUTE);
  });
});

describe("rule durations (ISO 8601)", () => {
  it("reads weeks, days, hours, minutes and seconds", () => {
    expect(durationMs("PT10M")).toBe(10 * MINUTE);
    expect(durationMs("PT1H30M")).toBe(90 * MINUTE);
    expect(durationMs("P1D")).toBe(24 * 60 * MINUTE);
    expect(durationMs("P1W")).toBe(7 * 24 * 60 * MINUTE);
    expect(durationMs("P1DT2H")).toBe(26 * 60 * MINUTE);
    expect(durationMs("PT0.5S")).toBe(500);
  });

  it("refuses what is not one, months and years (their length varies), 0 and more than 7 days", () => {
    for (const text of ["", "P", "PT", "10M", "PT10", "P1M", "P1Y", "pt10m", "PT-5M", "P1DT"])
      expect(durationMs(text), text).toBeUndefined();
    expect(RuleDuration.safeParse("PT0M").success).toBe(false);
    expect(RuleDuration.safeParse("P7DT1S").success).toBe(false);
    expect(RuleDuration.safeParse("P7D").success).toBe(true);
    expect(RuleDuration.safeParse("PT1S").success).toBe(true);
  });
});
