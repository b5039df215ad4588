import { describe, expect, it } from "vitest";
import type { AlertMessage } from "../../worker/alerts/contract";
import { MAX_QUEUE_DELAY_SECONDS, quietHoursHoldSeconds } from "../../worker/alerts/quiet-hours";
import { inQuietHours, type QuietHours } from "../../worker/notifications/compose";

const alert = (overrides: Partial<AlertMessage> = {}): AlertMessage => ({
  type: "alert.firing",
  rule: { id: "r1", name: "Garage over 2 kW" },
  meter: { id: "m1", name: "Garage" },
  value: 2400,
  at: "2026-12-03T18:05:00.000Z",
  title: "Garage over 2 kW",
  message: "The garage has drawn 2.4 kW for 10 minutes.",
  urgent: false,
  ...overrides,
});
const quiet = (from: number, to: number, timezone: string): QuietHours => ({ quietFromHour: from, quietToHour: to, timezone });
const hold = (settings: QuietHours, iso: string, message = alert()) => quietHoursHoldSeconds(message, settings, new Date(iso));
const HOUR = 3600;

describe("quietHoursHoldSeconds", () => {
  const londonNights = quiet(22, 7, "Europe/London");

  it("holds a message back until quiet hours end, over midnight, in the person's zone", () => {
    expect(hold(londonNights, "2026-01-15T23:10:00Z")).toBe(7 * HOUR + 50 * 60); // 23:10 → 07:00
    expect(hold(londonNights, "2026-01-16T06:50:20Z")).toBe(9 * 60 + 40); // 06:50:20 → 07:00
    expect(hold(quiet(22, 7, "America/New_York"), "2026-01-15T03:30:00Z")).toBe(8.5 * HOUR); // 22:30 EST → 12:00Z
    // Quiet hours within one day (not over midnight).
    expect(hold(quiet(12, 14, "UTC"), "2026-01-15T12:00:00Z")).toBe(2 * HOUR);
  });

  it("sends at once outside quiet hours, without any, and for urgent alerts and tests", () => {
    expect(hold(londonNights, "2026-01-15T21:59:59Z")).toBe(0);
    expect(hold(londonNights, "2026-01-16T07:00:00Z")).toBe(0);
    expect(hold({ quietFromHour: null, quietToHour: null, timezone: "UTC" }, "2026-01-15T23:10:00Z")).toBe(0);
    expect(hold(londonNights, "2026-01-15T23:10:00Z", alert({ urgent: true }))).toBe(0);
    expect(hold(londonNights, "2026-01-15T23:10:00Z", alert({ type: "test", rule: null, meter: null, value: null }))).toBe(0);
    // A resolved message waits like a firing one.
    expect(hold(londonNights, "2026-01-15T23:10:00Z", alert({ type: "alert.resolved" }))).toBe(7 * HOUR + 50 * 60);
  });

  it("follows the clock change: the spring night is an hour shorter, the autumn night an hour longer", () => {
    // 29 March 2026: London's clocks go from 01:00 GMT to 02:00 BST; 07:00 BST is 06:00Z.
    expect(hold(londonNights, "2026-03-28T23:00:00Z")).toBe(7 * HOUR);
    // 25 October 2026: from 02:00 BST back to 01:00 GMT; 22:00 BST is 21:00Z, 07:00 GMT is 07:00Z.
    expect(hold(londonNights, "2026-10-24T21:00:00Z")).toBe(10 * HOUR);
    // In the repeated hour (01:30 BST, then 01:30 GMT) quiet hours go on until 07:00 GMT.
    expect(hold(londonNights, "2026-10-25T00:30:00Z")).toBe(6.5 * HOUR);
    expect(hold(londonNights, "2026-10-25T01:30:00Z")).toBe(5.5 * HOUR);
    // Quiet hours that end in the skipped hour (01:00 to 02:00 does not exist that day) end when it does.
    expect(hold(quiet(0, 2, "Europe/London"), "2026-03-29T00:30:00Z")).toBe(30 * 60);
  });

  it("ends on a zone's own quarter hours (Nepal is 5:45 ahead)", () => {
    // 23:00 in Kathmandu is 17:15Z; 07:00 there is 01:15Z.
    expect(hold(quiet(22, 7, "Asia/Kathmandu"), "2026-01-15T17:15:00Z")).toBe(8 * HOUR);
  });

  it("cuts a hold to the queue's 12 hours; the consumer decides again then", () => {
    const long = quiet(20, 10, "UTC");
    expect(hold(long, "2026-01-15T20:00:00Z")).toBe(MAX_QUEUE_DELAY_SECONDS);
    expect(hold(long, "2026-01-16T08:00:00Z")).toBe(2 * HOUR);
  });

  it("always ends exactly where quiet hours do, at any instant of a year, in zones with DST both sides of the equator", () => {
    const settings = [londonNights, quiet(23, 6, "Australia/Sydney"), quiet(1, 3, "America/Santiago"), quiet(21, 8, "Asia/Kolkata")];
    let checked = 0;
    for (let t = Date.parse("2026-01-01T00:00:00Z"); t < Date.parse("2027-01-01T00:00:00Z"); t += 97 * 60_000 + 13_000) {
      for (const s of settings) {
        const seconds = quietHoursHoldSeconds(alert(), s, new Date(t));
        expect(seconds > 0).toBe(inQuietHours(s, new Date(t)));
        if (seconds === 0 || seconds === MAX_QUEUE_DELAY_SECONDS) continue;
        checked++;
        // Released within a second of the end (whole seconds), and not before it.
        expect(inQuietHours(s, new Date(t + seconds * 1000))).toBe(false);
        expect(inQuietHours(s, new Date(t + seconds * 1000 - 1000))).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(3_000);
  });
});
