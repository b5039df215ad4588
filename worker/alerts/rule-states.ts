/**
 * The state machine of an alert rule, as Grafana's: ok -> pending -> firing -> (resolved) ok.
 * Pure: the evaluation (rules-evaluation.ts) turns readings or figures into observations, feeds
 * them in time order, stores the state it gets back and tells people about `firing` and
 * `resolved` only, so one message goes out when a rule fires and one when it resolves.
 *
 * Hysteresis: a rule fires once its condition has held for `holdMs`, and resolves only once the
 * value has been clear of the threshold by a margin (see `clearOf`) for the same `holdMs`; a
 * value hovering at the threshold neither fires twice nor flaps between firing and resolved.
 */
import type { AlertRuleEventState, AlertRuleState } from "./rules-contract";

export interface TrackedState {
  state: AlertRuleState;
  /** When the rule entered `state` (null in ok). */
  stateSince: Date | null;
  /** While firing: since when the value has been clear (null while it is not). */
  clearSince: Date | null;
  lastValue: number | null;
}

export interface Observation {
  at: Date;
  value: number;
  /** The rule's condition holds. */
  breaching: boolean;
  /** The value is past the threshold by the hysteresis margin (a firing rule may resolve). */
  clear: boolean;
}

export interface Transition {
  state: AlertRuleEventState;
  at: Date;
  value: number;
}

export const INITIAL_STATE: TrackedState = { state: "ok", stateSince: null, clearSince: null, lastValue: null };

/** Share of the threshold a value must fall back past before a firing rule may resolve. */
export const HYSTERESIS_SHARE = 0.05;

const held = (since: Date | null, at: Date, holdMs: number) => since !== null && at.getTime() - since.getTime() >= holdMs;

/** One observation: the new state and the change of state it made, if any. */
export function step(tracked: TrackedState, observation: Observation, holdMs: number): { tracked: TrackedState; transition?: Transition } {
  const { at, value, breaching, clear } = observation;
  const move = (state: AlertRuleState, event: AlertRuleEventState, since: Date | null) => ({
    tracked: { state, stateSince: since, clearSince: null, lastValue: value },
    transition: { state: event, at, value },
  });
  switch (tracked.state) {
    case "ok":
      if (!breaching) return { tracked: { ...tracked, lastValue: value } };
      // A rule without a hold (an energy or cost total: its window is the duration) fires at once.
      return holdMs === 0 ? move("firing", "firing", at) : move("pending", "pending", at);
    case "pending":
      if (!breaching) return move("ok", "ok", null);
      if (held(tracked.stateSince, at, holdMs)) return move("firing", "firing", at);
      return { tracked: { ...tracked, lastValue: value } };
    case "firing": {
      if (!clear) return { tracked: { ...tracked, clearSince: null, lastValue: value } };
      const clearSince = tracked.clearSince ?? at;
      if (held(clearSince, at, holdMs)) return move("ok", "resolved", null);
      return { tracked: { ...tracked, clearSince, lastValue: value } };
    }
  }
}

/** Observations in time order: the final state and every change of state on the way. */
export function run(
  tracked: TrackedState,
  observations: Observation[],
  holdMs: number,
): { tracked: TrackedState; transitions: Transition[] } {
  const transitions: Transition[] = [];
  let current = tracked;
  for (const observation of observations) {
    const next = step(current, observation, holdMs);
    current = next.tracked;
    if (next.transition) transitions.push(next.transition);
  }
  return { tracked: current, transitions };
}

/**
 * Whether `value` breaches `threshold` in the direction `op`, and whether it is clear of it by the
 * hysteresis margin (5 % of the threshold's size): above 7000 W resolves at 6650 W or less.
 */
export function judge(op: "above" | "below", threshold: number, value: number): { breaching: boolean; clear: boolean } {
  const margin = Math.abs(threshold) * HYSTERESIS_SHARE;
  return op === "above"
    ? { breaching: value > threshold, clear: value <= threshold - margin }
    : { breaching: value < threshold, clear: value >= threshold + margin };
}

/**
 * A no_data rule at `at`: pending once the meter has been silent past its usual gap, firing once
 * silent for `forMs`, resolved as soon as a reading is within the gap again. The changes are
 * dated when they happened by the readings' clock (the last reading + the gap, + `forMs`), not
 * when the schedule noticed; the value is the silence in seconds.
 */
export function silenceStep(
  tracked: TrackedState,
  { at, lastReadingAt, forMs, gapMs }: { at: Date; lastReadingAt: Date; forMs: number; gapMs: number },
): { tracked: TrackedState; transitions: Transition[] } {
  const silenceMs = Math.max(0, at.getTime() - lastReadingAt.getTime());
  const value = Math.round(silenceMs / 1000);
  const since = (ms: number) => new Date(lastReadingAt.getTime() + ms);
  const moved = (state: AlertRuleState, stateSince: Date | null, transitions: Transition[]) => ({
    tracked: { state, stateSince, clearSince: null, lastValue: value },
    transitions,
  });
  const quiet = { tracked: { ...tracked, lastValue: value }, transitions: [] };
  if (tracked.state === "firing") return silenceMs < gapMs ? moved("ok", null, [{ state: "resolved", at: lastReadingAt, value }]) : quiet;
  if (silenceMs >= forMs) {
    const pending: Transition[] = tracked.state === "ok" ? [{ state: "pending", at: since(gapMs), value }] : [];
    return moved("firing", since(forMs), [...pending, { state: "firing", at: since(forMs), value }]);
  }
  if (silenceMs >= gapMs)
    return tracked.state === "ok" ? moved("pending", since(gapMs), [{ state: "pending", at: since(gapMs), value }]) : quiet;
  return tracked.state === "pending" ? moved("ok", null, [{ state: "ok", at: lastReadingAt, value }]) : quiet;
}

/** When a silent meter is pending: past twice its usual interval (a minute at least), and at most half the rule's duration. */
export function silenceGapMs(readingIntervalMs: number | null, forMs: number): number {
  return Math.min(forMs / 2, Math.max(60_000, 2 * (readingIntervalMs ?? 0)));
}
