import { describe, expect, it } from "vitest";
import { composeBody, GOALS, inQuietHours } from "../../worker/notifications/compose";
import { quoteMentions, type UserChatMessage } from "../../worker/notifications/quotes";
import type { ModelRunFinding } from "../../worker/runs/contract";

let clock = Date.parse("2026-03-01T10:00:00Z");
/** Messages are listed newest first, as the UserHub hands them out; each `say` is a minute later. */
const said: UserChatMessage[] = [];
function say(sessionId: string, text: string): UserChatMessage {
  clock += 60_000;
  const message = {
    messageId: `m${said.length + 1}`,
    sessionId,
    sessionTitle: `Session ${sessionId}`,
    text,
    at: new Date(clock).toISOString(),
    meterIds: [],
  };
  said.unshift(message);
  return message;
}

const ids = (quotes: { messageId: string }[]) => quotes.map((q) => q.messageId);

describe("quoteMentions", () => {
  const messages = (() => {
    said.length = 0;
    say("garage", "The Garage meter must stay below 5 kW at peak."); // m1: mentions Garage, a peak goal
    say("garage", "Also keep the fuse in mind."); // m2: a goal, in a session about the Garage
    say("trip", "Plan a trip to Lisbon."); // m3: nothing
    say("other", "The peak of the kitchen is too high."); // m4: a goal, in a session not about the Garage
    say("charts", "Is the Garage chart 'Workshop load' right?"); // m5: mentions Garage and a chart
    return [...said];
  })();
  const terms = ["Garage", "Workshop load", "EV"];

  it("ranks by the terms mentioned (two each) and goals (one), newer first among equals", () => {
    expect(ids(quoteMentions(messages, { id: "garage-meter", terms }, GOALS.peak_over_limit, 5))).toEqual(["m5", "m1", "m2"]);
    expect(ids(quoteMentions(messages, { id: "garage-meter", terms }, [], 5))).toEqual(["m5", "m1"]);
  });

  it("weighs a mention of the meter over a goal, and puts the newer of equals first in any order", () => {
    const mention = say("g", "How is the Garage doing?");
    const goal = say("g", "And what is my limit?");
    expect(ids(quoteMentions([goal, mention], { id: "garage-meter", terms: ["Garage"] }, GOALS.peak_over_limit))).toEqual([
      mention.messageId,
      goal.messageId,
    ]);
    const older = say("h", "Garage first");
    const newer = say("h", "Garage again");
    expect(ids(quoteMentions([older, newer], { id: "garage-meter", terms: ["Garage"] }, []))).toEqual([newer.messageId, older.messageId]);
  });

  it("counts a goal alone only in a session that mentions the meter", () => {
    expect(ids(quoteMentions(messages, { id: "garage-meter", terms }, GOALS.peak_over_limit, 5))).not.toContain("m4");
    expect(ids(quoteMentions(messages, { id: "garage-meter", terms: ["kitchen"] }, GOALS.peak_over_limit, 5))).toEqual(["m4"]);
  });

  it("counts a message whose turn acted on the meter as a mention of it, whatever name it used", () => {
    const setGoal = { ...say("plan", "Keep the peak of the workshop under 3 kW."), meterIds: ["garage-meter"] };
    const elsewhere = { ...say("shed", "Keep the peak of the shed under 2 kW."), meterIds: ["shed-meter"] };
    expect(ids(quoteMentions([elsewhere, setGoal], { id: "garage-meter", terms: ["Garage"] }, GOALS.peak_over_limit))).toEqual([
      setGoal.messageId,
    ]);
  });

  it("ignores terms under three letters, which would match inside words", () => {
    expect(quoteMentions([say("s", "Nevermind the weather.")], { id: "garage-meter", terms: ["EV"] }, [])).toEqual([]);
  });

  it("returns two quotes by default, with the session they were said in", () => {
    const quotes = quoteMentions(messages, { id: "garage-meter", terms }, GOALS.peak_over_limit);
    expect(quotes).toHaveLength(2);
    expect(quotes[1]).toEqual({
      sessionId: "garage",
      sessionTitle: "Session garage",
      messageId: "m1",
      excerpt: "The Garage meter must stay below 5 kW at peak.",
      at: messages[4].at,
    });
  });

  it("shortens messages over 160 characters to an excerpt that ends in an ellipsis, not a space", () => {
    const excerpt = (text: string) => quoteMentions([say("s", text)], { id: "garage-meter", terms: ["Garage"] }, [])[0].excerpt;
    const exactly160 = `Garage ${"x".repeat(153)}`;
    expect(excerpt(exactly160)).toBe(exactly160);
    expect(excerpt(`${exactly160}y`)).toBe(`Garage ${"x".repeat(152)}…`);
    expect(excerpt(`Garage ${"x".repeat(151)} and more`)).toBe(`Garage ${"x".repeat(151)}…`);
  });
});

describe("composeBody", () => {
  const finding: ModelRunFinding = {
    kind: "peak_over_limit",
    message: "The next 24 hours peak at 7.2 kW around 18:00, above your 5 kW limit.",
    data: {},
  };

  it("quotes the first quote with its day and session", () => {
    const quote = { sessionId: "s", sessionTitle: "Fuse", messageId: "m", excerpt: "Keep it under 5 kW", at: "2026-02-03T23:30:00Z" };
    expect(composeBody(finding, [quote, { ...quote, excerpt: "ignored" }])).toBe(
      `${finding.message} On 2026-02-03, in "Fuse", you said: "Keep it under 5 kW"`,
    );
  });

  it("is the finding alone without quotes", () => {
    expect(composeBody(finding, [])).toBe(finding.message);
  });
});

describe("inQuietHours", () => {
  const at = (iso: string) => new Date(iso);

  it("wraps over midnight in the person's time zone", () => {
    const nights = { quietFromHour: 22, quietToHour: 7, timezone: "America/New_York" };
    expect(inQuietHours(nights, at("2026-01-15T03:30:00Z"))).toBe(true); // 22:30 in New York
    expect(inQuietHours(nights, at("2026-01-15T11:59:00Z"))).toBe(true); // 06:59
    expect(inQuietHours(nights, at("2026-01-15T12:00:00Z"))).toBe(false); // 07:00
    expect(inQuietHours(nights, at("2026-01-15T02:59:00Z"))).toBe(false); // 21:59
  });

  it("covers from the first hour up to the last, and nothing without quiet hours", () => {
    const afternoon = { quietFromHour: 12, quietToHour: 14, timezone: "UTC" };
    expect(inQuietHours(afternoon, at("2026-01-15T12:00:00Z"))).toBe(true);
    expect(inQuietHours(afternoon, at("2026-01-15T14:00:00Z"))).toBe(false);
    expect(inQuietHours({ quietFromHour: null, quietToHour: null, timezone: "UTC" }, at("2026-01-15T12:00:00Z"))).toBe(false);
    expect(inQuietHours({ quietFromHour: 5, quietToHour: 5, timezone: "UTC" }, at("2026-01-15T05:00:00Z"))).toBe(false);
  });
});
