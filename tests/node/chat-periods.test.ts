import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Period, type PeriodMention, parsePeriods, previousPeriod, shiftedPeriod } from "../../worker/chat/understanding/periods";

const LONDON = "Europe/London";
const NEW_YORK = "America/New_York";
const HOUR = 3_600_000;
/** Tuesday 31 March 2026, 15:30 in London (summer time since Sunday 29 March). */
const TUESDAY = new Date("2026-03-31T14:30:00Z");

function only(text: string, now = TUESDAY, timeZone = LONDON): PeriodMention {
  const mentions = parsePeriods(text, now, timeZone);
  expect(mentions, text).toHaveLength(1);
  return mentions[0];
}

function range(period: Period): [string, string] {
  return [period.from, period.to];
}

function hours(period: Period): number {
  return (Date.parse(period.to) - Date.parse(period.from)) / HOUR;
}

describe("days", () => {
  it("yesterday and today are local days, today stopping at now", () => {
    expect(only("how much did we use yesterday?")).toMatchObject({
      from: "2026-03-29T23:00:00.000Z",
      to: "2026-03-30T23:00:00.000Z",
      label: "yesterday",
      grain: "day",
      inProgress: false,
    });
    expect(only("and today")).toMatchObject({
      from: "2026-03-30T23:00:00.000Z",
      to: TUESDAY.toISOString(),
      wholeTo: "2026-03-31T23:00:00.000Z",
      label: "today",
      inProgress: true,
    });
  });

  it("the day of the spring clock change is 23 hours and the autumn one 25, in London", () => {
    const springYesterday = only("yesterday", new Date("2026-03-30T10:00:00Z"));
    expect(range(springYesterday)).toEqual(["2026-03-29T00:00:00.000Z", "2026-03-29T23:00:00.000Z"]);
    expect(hours(springYesterday)).toBe(23);
    const autumnYesterday = only("yesterday", new Date("2026-10-26T10:00:00Z"));
    expect(range(autumnYesterday)).toEqual(["2026-10-24T23:00:00.000Z", "2026-10-26T00:00:00.000Z"]);
    expect(hours(autumnYesterday)).toBe(25);
  });

  it("and in New York (8 March and 1 November 2026)", () => {
    const spring = only("yesterday", new Date("2026-03-09T15:00:00Z"), NEW_YORK);
    expect(range(spring)).toEqual(["2026-03-08T05:00:00.000Z", "2026-03-09T04:00:00.000Z"]);
    expect(hours(spring)).toBe(23);
    const autumn = only("on 2026-11-01", new Date("2026-11-05T15:00:00Z"), NEW_YORK);
    expect(hours(autumn)).toBe(25);
  });

  it("a day is the meter's day: late evening in New York is already tomorrow in UTC", () => {
    expect(only("today", new Date("2026-07-01T02:00:00Z"), NEW_YORK).from).toBe("2026-06-30T04:00:00.000Z");
  });

  it("yesterday on 1 March is 28 February; on 1 January it is last year's 31 December", () => {
    expect(only("yesterday", new Date("2026-03-01T12:00:00Z")).from).toBe("2026-02-28T00:00:00.000Z");
    expect(only("yesterday", new Date("2026-01-01T12:00:00Z")).label).toBe("yesterday");
    expect(only("yesterday", new Date("2026-01-01T12:00:00Z")).from).toBe("2025-12-31T00:00:00.000Z");
  });

  it("the day before yesterday and tomorrow", () => {
    expect(only("the day before yesterday").from).toBe("2026-03-29T00:00:00.000Z");
    expect(only("tomorrow")).toMatchObject({ from: "2026-03-31T23:00:00.000Z", to: "2026-04-01T23:00:00.000Z", inProgress: false });
  });

  it("weekdays: on Tuesday is today, last Tuesday a week ago, on Monday yesterday", () => {
    expect(only("on Tuesday")).toMatchObject({ label: "today", inProgress: true });
    expect(only("on Tuesday").alternatives?.map((period) => [period.label, period.from])).toEqual([
      ["last Tuesday", "2026-03-24T00:00:00.000Z"],
    ]);
    expect(only("last Tuesday").from).toBe("2026-03-24T00:00:00.000Z");
    expect(only("on monday")).toMatchObject({ from: "2026-03-29T23:00:00.000Z", label: "Monday" });
    expect(only("on Friday").from).toBe("2026-03-27T00:00:00.000Z");
  });

  it("numeric dates: ISO, day first in Europe, month first in the United States unless the day shows", () => {
    expect(only("on 2026-03-14")).toMatchObject({
      from: "2026-03-14T00:00:00.000Z",
      to: "2026-03-15T00:00:00.000Z",
      label: "14 March 2026",
    });
    expect(only("14/03/2026").from).toBe("2026-03-14T00:00:00.000Z");
    expect(only("3/4/2026").label).toBe("3 April 2026");
    expect(only("3/4/2026", TUESDAY, NEW_YORK).label).toBe("4 March 2026");
    expect(only("14/03/2026", TUESDAY, NEW_YORK).label).toBe("14 March 2026");
    expect(only("14.03.2026").label).toBe("14 March 2026");
    expect(only("on 14/3").label).toBe("14 March 2026");
    expect(parsePeriods("on 2026-02-30", TUESDAY, LONDON)).toEqual([]);
    expect(parsePeriods("show it 24/7", TUESDAY, LONDON)).toEqual([]);
    expect(parsePeriods("1/2 of it", TUESDAY, LONDON)).toEqual([]);
  });

  it("on the 3rd: the latest such day, this month or last", () => {
    expect(only("on the 3rd").label).toBe("3 March 2026");
    expect(only("since the 1st")).toMatchObject({ from: "2026-03-01T00:00:00.000Z", to: TUESDAY.toISOString() });
    // February has no 30th: the latest 30th is January's.
    expect(only("on the 30th", new Date("2026-03-10T12:00:00Z")).label).toBe("30 January 2026");
    const text = "and on the 14th of March?";
    const march = only(text);
    expect(text.slice(march.index, march.end)).toBe("on the 14th of March");
  });

  it("dates in words, read by chrono; without a year, the latest that has begun", () => {
    expect(only("March 14th").label).toBe("14 March 2026");
    expect(only("on the 14th of March 2025").label).toBe("14 March 2025");
    expect(only("on 20 April").label).toBe("20 April 2025");
  });
});

describe("other zones", () => {
  it("Berlin: last week across the spring change is 167 hours, Monday to Monday", () => {
    const week = only("last week", TUESDAY, "Europe/Berlin");
    expect(range(week)).toEqual(["2026-03-22T23:00:00.000Z", "2026-03-29T22:00:00.000Z"]);
    expect(hours(week)).toBe(167);
  });

  it("Sydney: the autumn change is in April, a 25-hour day", () => {
    const day = only("yesterday", new Date("2026-04-06T02:00:00Z"), "Australia/Sydney");
    expect(range(day)).toEqual(["2026-04-04T13:00:00.000Z", "2026-04-05T14:00:00.000Z"]);
    expect(hours(day)).toBe(25);
  });

  it("Kolkata: this hour follows the half-hour offset", () => {
    expect(only("this hour", new Date("2026-03-31T14:45:00Z"), "Asia/Kolkata")).toMatchObject({
      from: "2026-03-31T14:30:00.000Z",
      to: "2026-03-31T14:45:00.000Z",
      wholeTo: "2026-03-31T15:30:00.000Z",
      grain: "hour",
    });
  });

  it("New York weeks start on Monday too", () => {
    expect(only("this week", new Date("2026-12-06T12:00:00Z"), NEW_YORK).from).toBe("2026-11-30T05:00:00.000Z");
  });
});

describe("parts of the day", () => {
  it("this morning is 06:00 to 12:00 local; in progress it stops at now", () => {
    expect(range(only("this morning"))).toEqual(["2026-03-31T05:00:00.000Z", "2026-03-31T11:00:00.000Z"]);
    const early = only("this morning", new Date("2026-03-31T08:00:00Z"));
    expect(early).toMatchObject({ to: "2026-03-31T08:00:00.000Z", inProgress: true, recurs: "day" });
  });

  it("last night is yesterday 18:00 to 06:00; tonight is today's", () => {
    expect(range(only("last night"))).toEqual(["2026-03-30T17:00:00.000Z", "2026-03-31T05:00:00.000Z"]);
    expect(range(only("tonight"))).toEqual(["2026-03-31T17:00:00.000Z", "2026-04-01T05:00:00.000Z"]);
    expect(only("this evening").label).toBe("this evening");
    expect(only("yesterday afternoon").from).toBe("2026-03-30T11:00:00.000Z");
  });
});

describe("weeks, months, years", () => {
  it("weeks start on Monday, local midnight", () => {
    expect(only("this week")).toMatchObject({
      from: "2026-03-29T23:00:00.000Z",
      to: TUESDAY.toISOString(),
      grain: "week",
      inProgress: true,
    });
    expect(only("last week")).toMatchObject({ from: "2026-03-23T00:00:00.000Z", to: "2026-03-29T23:00:00.000Z", inProgress: false });
    expect(hours(only("last week"))).toBe(167);
    expect(only("previous week").label).toBe("last week");
    expect(only("the previous week")).toMatchObject({ relative: "previous", from: "2026-03-23T00:00:00.000Z", label: "the previous week" });
  });

  it("on a Sunday this week began last Monday", () => {
    expect(only("this week", new Date("2026-12-06T12:00:00Z")).from).toBe("2026-11-30T00:00:00.000Z");
  });

  it("this month, last month across the year, this year", () => {
    expect(only("this month")).toMatchObject({ from: "2026-03-01T00:00:00.000Z", grain: "month", inProgress: true });
    expect(only("last month", new Date("2026-01-10T12:00:00Z"))).toMatchObject({
      from: "2025-12-01T00:00:00.000Z",
      to: "2026-01-01T00:00:00.000Z",
      label: "last month",
    });
    expect(only("this year")).toMatchObject({ from: "2026-01-01T00:00:00.000Z", grain: "year", inProgress: true });
    expect(only("last year", TUESDAY, NEW_YORK)).toMatchObject({ from: "2025-01-01T05:00:00.000Z", to: "2026-01-01T05:00:00.000Z" });
  });

  it("a month across the clock change ends at the local midnight", () => {
    expect(range(only("March 2025"))).toEqual(["2025-03-01T00:00:00.000Z", "2025-03-31T23:00:00.000Z"]);
  });

  it("in March, in March 2025, in 2025", () => {
    expect(only("in March 2025")).toMatchObject({ label: "March 2025", grain: "month" });
    expect(only("in 2025")).toMatchObject({
      from: "2025-01-01T00:00:00.000Z",
      to: "2026-01-01T00:00:00.000Z",
      grain: "year",
      label: "2025",
    });
    expect(only("in feb")).toMatchObject({ label: "February 2026", inProgress: false });
    expect(only("in April").label).toBe("April 2025");
  });

  it("in March while it is March: this March so far, or last March", () => {
    const march = only("in March");
    expect(march).toMatchObject({ label: "March 2026", inProgress: true, to: TUESDAY.toISOString() });
    expect(march.alternatives?.map((period) => period.label)).toEqual(["March 2025"]);
    expect(only("last march").label).toBe("March 2025");
  });

  it("quarters and seasons", () => {
    expect(only("Q1 2025")).toMatchObject({ from: "2025-01-01T00:00:00.000Z", to: "2025-03-31T23:00:00.000Z", label: "Q1 2025" });
    expect(only("in Q4").label).toBe("Q4 2025");
    expect(only("last winter")).toMatchObject({
      from: "2025-12-01T00:00:00.000Z",
      to: "2026-03-01T00:00:00.000Z",
      recurs: "year",
      label: "winter 2025/26",
    });
    expect(only("this spring")).toMatchObject({ from: "2026-03-01T00:00:00.000Z", inProgress: true, label: "this spring" });
    expect(only("in summer")).toMatchObject({ from: "2025-05-31T23:00:00.000Z", label: "summer 2025" });
  });
});

describe("rolling and open periods", () => {
  it("the past 3 days ends now and starts at the same clock time 3 local days ago", () => {
    expect(only("over the past 3 days")).toMatchObject({ from: "2026-03-28T15:30:00.000Z", to: TUESDAY.toISOString(), grain: "span" });
    expect(only("over the past 3 days").label).toBe("the past 3 days");
    expect(only("last 7 days").from).toBe("2026-03-24T15:30:00.000Z");
    expect(only("the last three weeks").from).toBe("2026-03-10T15:30:00.000Z");
    expect(only("the past couple of days").from).toBe("2026-03-29T14:30:00.000Z");
  });

  it("hours are exact: the last 24 hours is 24 h even across the clock change", () => {
    const day = only("the last 24 hours", new Date("2026-03-29T12:00:00Z"));
    expect(hours(day)).toBe(24);
    expect(hours(only("the past 3 hours"))).toBe(3);
    expect(hours(only("in the last hour"))).toBe(1);
    expect(hours(only("last 24h"))).toBe(24);
  });

  it("the next 24 hours: ahead of now, whole, not in progress", () => {
    expect(only("what's the forecast for the next 24 hours")).toMatchObject({
      from: TUESDAY.toISOString(),
      to: "2026-04-01T14:30:00.000Z",
      label: "the next 24 hours",
      inProgress: false,
    });
    expect(only("the coming 3 days").to).toBe("2026-04-03T14:30:00.000Z");
  });

  it("the past week is a rolling 7 days, last week the calendar one", () => {
    expect(only("in the past week").from).toBe("2026-03-24T15:30:00.000Z");
  });

  it("since Monday, since 1 March, since yesterday run until now", () => {
    expect(only("since Monday")).toMatchObject({ from: "2026-03-29T23:00:00.000Z", to: TUESDAY.toISOString(), label: "since Monday" });
    expect(only("since 1 March")).toMatchObject({
      from: "2026-03-01T00:00:00.000Z",
      to: TUESDAY.toISOString(),
      label: "since 1 March 2026",
    });
    expect(only("since yesterday").from).toBe("2026-03-29T23:00:00.000Z");
    expect(only("since 2026-03-14").from).toBe("2026-03-14T00:00:00.000Z");
    expect(only("since the start of the month").from).toBe("2026-03-01T00:00:00.000Z");
    expect(only("since the first of the month").from).toBe("2026-03-01T00:00:00.000Z");
    expect(only("since the beginning of the year").from).toBe("2026-01-01T00:00:00.000Z");
    // Tuesday 15:30 in London (BST): since 8am is today's 08:00; since 9pm is last night's.
    expect(only("since 8am")).toMatchObject({ from: "2026-03-31T07:00:00.000Z", to: TUESDAY.toISOString(), label: "since 08:00" });
    expect(only("since 21:00").from).toBe("2026-03-30T20:00:00.000Z");
  });

  it("ranges: between Monday and Wednesday, from 1 to 15 March", () => {
    const week = only("between Monday and Wednesday", new Date("2026-04-03T12:00:00Z"));
    expect(range(week)).toEqual(["2026-03-29T23:00:00.000Z", "2026-04-01T23:00:00.000Z"]);
    expect(range(only("from 1 to 15 March"))).toEqual(["2026-03-01T00:00:00.000Z", "2026-03-16T00:00:00.000Z"]);
    expect(range(only("between the 1st and the 15th of March 2025"))).toEqual(["2025-03-01T00:00:00.000Z", "2025-03-16T00:00:00.000Z"]);
    expect(only("from March 1 to March 15", TUESDAY, NEW_YORK).from).toBe("2026-03-01T05:00:00.000Z");
  });

  it("from the 10th to the 17th without a month: this month when both days have begun, else the month before", () => {
    expect(only("we were away from the 10th to the 17th")).toMatchObject({
      from: "2026-03-10T00:00:00.000Z",
      to: "2026-03-18T00:00:00.000Z",
      label: "10 to 17 March 2026",
      grain: "span",
    });
    const december = new Date("2026-12-03T17:50:00Z");
    expect(range(only("away from the 10th to the 17th", december))).toEqual(["2026-11-10T00:00:00.000Z", "2026-11-18T00:00:00.000Z"]);
    expect(range(only("between the 1st and the 2nd", december, NEW_YORK))).toEqual([
      "2026-12-01T05:00:00.000Z",
      "2026-12-03T05:00:00.000Z",
    ]);
    // The 30th of February does not exist: nothing is made up.
    expect(parsePeriods("from the 28th to the 30th", new Date("2026-03-02T12:00:00Z"), LONDON)).toEqual([]);
  });

  it("the weekend: the latest one; during it, this one so far or the one before", () => {
    expect(range(only("over the weekend"))).toEqual(["2026-03-28T00:00:00.000Z", "2026-03-29T23:00:00.000Z"]);
    expect(only("last weekend").recurs).toBe("week");
    const sunday = only("the weekend", new Date("2026-12-06T12:00:00Z"));
    expect(sunday).toMatchObject({ from: "2026-12-05T00:00:00.000Z", inProgress: true });
    expect(sunday.alternatives?.[0].from).toBe("2026-11-28T00:00:00.000Z");
    expect(only("last weekend", new Date("2026-12-06T12:00:00Z")).from).toBe("2026-11-28T00:00:00.000Z");
  });
});

describe("more ways to say it", () => {
  it("N units ago is that calendar unit", () => {
    expect(only("3 days ago")).toMatchObject({ from: "2026-03-28T00:00:00.000Z", grain: "day", label: "3 days ago" });
    expect(only("two weeks ago")).toMatchObject({ from: "2026-03-16T00:00:00.000Z", to: "2026-03-23T00:00:00.000Z", grain: "week" });
    expect(only("a month ago").label).toBe("a month ago");
  });

  it("a fortnight is 14 days; to date is this unit so far", () => {
    expect(only("in the past fortnight").from).toBe("2026-03-17T15:30:00.000Z");
    expect(only("last fortnight").from).toBe("2026-03-17T15:30:00.000Z");
    expect(only("month to date")).toMatchObject({ grain: "month", inProgress: true });
    expect(only("YTD")).toMatchObject({ grain: "year", label: "this year" });
  });

  it("this past week is the past 7 days; a weekday range needs to, or between ... and", () => {
    expect(only("this past week").from).toBe("2026-03-24T15:30:00.000Z");
    expect(range(only("last monday to wednesday"))).toEqual(["2026-03-23T00:00:00.000Z", "2026-03-26T00:00:00.000Z"]);
    expect(parsePeriods("monday and wednesday", TUESDAY, LONDON).map((mention) => mention.grain)).toEqual(["day", "day"]);
  });
});

describe("times of day", () => {
  it("on the day named next to them, which they replace", () => {
    const evening = only("how much did we use yesterday between 6 and 9pm?");
    expect(evening).toMatchObject({
      from: "2026-03-30T17:00:00.000Z",
      to: "2026-03-30T20:00:00.000Z",
      label: "yesterday 18:00 to 21:00",
      recurs: "day",
    });
    expect(only("between 6pm and 9pm yesterday").from).toBe("2026-03-30T17:00:00.000Z");
  });

  it("else today; across midnight into the next day; 11 and 1pm is 11:00 to 13:00", () => {
    expect(range(only("from 07:00 to 10:30"))).toEqual(["2026-03-31T06:00:00.000Z", "2026-03-31T09:30:00.000Z"]);
    expect(range(only("between 10pm and 6am on 2026-03-28"))).toEqual(["2026-03-28T22:00:00.000Z", "2026-03-29T05:00:00.000Z"]);
    expect(only("between 11 and 1pm").label).toBe("today 11:00 to 13:00");
  });
});

describe("relative mentions", () => {
  it("the week before / the day before: previous, from now, for the engine to re-base", () => {
    expect(only("and the week before?")).toMatchObject({ relative: "previous", grain: "week", from: "2026-03-23T00:00:00.000Z" });
    expect(only("what about the day before")).toMatchObject({ relative: "previous", grain: "day", from: "2026-03-29T23:00:00.000Z" });
    expect(only("and the previous month?")).toMatchObject({ relative: "previous", grain: "month", from: "2026-02-01T00:00:00.000Z" });
    const text = "what about the week before that?";
    const before = only(text);
    expect(text.slice(before.index, before.end)).toBe("the week before that");
  });

  it("this time last year and a week earlier", () => {
    expect(only("this time last year")).toMatchObject({
      relative: "year-earlier",
      // 31 March 2025 was already summer time.
      from: "2025-03-30T23:00:00.000Z",
      to: "2025-03-31T14:30:00.000Z",
    });
    expect(only("same day last week")).toMatchObject({ relative: "week-earlier", from: "2026-03-24T00:00:00.000Z" });
    expect(only("a week earlier").relative).toBe("week-earlier");
    expect(only("at this time last week")).toMatchObject({ relative: "week-earlier", label: "this time last week" });
    expect(only("the weekend before")).toMatchObject({ relative: "previous", from: "2026-03-21T00:00:00.000Z" });
  });
});

describe("text", () => {
  it("folds typos first", () => {
    expect(only("how much yesturday").label).toBe("yesterday");
    expect(only("yestarday").label).toBe("yesterday");
    expect(only("lst week").label).toBe("last week");
    expect(only("tday").label).toBe("today");
    expect(only("this wk").label).toBe("this week");
  });

  it("points at the phrase in the original text, in text order", () => {
    const text = "Compare YESTURDAY with the same day last week";
    const mentions = parsePeriods(text, TUESDAY, LONDON);
    expect(mentions.map((mention) => text.slice(mention.index, mention.end))).toEqual(["YESTURDAY", "the same day last week"]);
  });

  it("finds nothing in text without a period, and does not read numbers or words as dates", () => {
    expect(parsePeriods("now for the garage", TUESDAY, LONDON)).toEqual([]);
    expect(parsePeriods("keep it under 1.5 kW", TUESDAY, LONDON)).toEqual([]);
    expect(parsePeriods("how much sun may we get", TUESDAY, LONDON)).toEqual([]);
    expect(parsePeriods("flat energy in June vs May", TUESDAY, LONDON).map((mention) => mention.label)).toEqual(["June 2025", "May 2025"]);
    expect(parsePeriods("what did the heat pump use last month vs the month before", TUESDAY, LONDON).map((m) => m.label)).toEqual([
      "last month",
      "the month before",
    ]);
  });
});

describe("the period before", () => {
  it("is the whole calendar period of the same grain", () => {
    const yesterday = previousPeriod(only("today"), LONDON);
    expect(yesterday).toMatchObject({
      from: "2026-03-29T23:00:00.000Z",
      to: "2026-03-30T23:00:00.000Z",
      label: "yesterday",
      inProgress: false,
    });
    const beforeSpring = previousPeriod(only("yesterday", new Date("2026-03-30T10:00:00Z")), LONDON);
    expect(range(beforeSpring)).toEqual(["2026-03-28T00:00:00.000Z", "2026-03-29T00:00:00.000Z"]);
    expect(previousPeriod(only("this week"), LONDON)).toMatchObject({
      from: "2026-03-23T00:00:00.000Z",
      to: "2026-03-29T23:00:00.000Z",
      label: "last week",
    });
    expect(previousPeriod(only("this month"), LONDON)).toMatchObject({ from: "2026-02-01T00:00:00.000Z", label: "last month" });
    expect(previousPeriod(only("in 2025"), LONDON)).toMatchObject({ from: "2024-01-01T00:00:00.000Z", label: "2024" });
    expect(previousPeriod(only("January 2026"), LONDON).label).toBe("December 2025");
    expect(previousPeriod(only("last week"), LONDON)).toMatchObject({ from: "2026-03-16T00:00:00.000Z", label: "the week before last" });
    expect(previousPeriod(only("last month"), LONDON).label).toBe("the month before last");
    expect(previousPeriod(only("yesterday"), LONDON).label).toBe("the day before yesterday");
  });

  it("a span of whole days: as many days before; a rolling span: as long before", () => {
    const beforeMarch = previousPeriod(only("from 1 to 15 March"), LONDON);
    expect(range(beforeMarch)).toEqual(["2026-02-14T00:00:00.000Z", "2026-03-01T00:00:00.000Z"]);
    expect(beforeMarch.label).toBe("14 February 2026 to 28 February 2026");
    expect(range(previousPeriod(only("the past 3 hours"), LONDON))).toEqual(["2026-03-31T08:30:00.000Z", "2026-03-31T11:30:00.000Z"]);
  });

  it("a span of whole months (a quarter, a month known only by its dates): as many months before", () => {
    expect(previousPeriod(only("Q4 2025"), LONDON)).toMatchObject({
      from: "2025-06-30T23:00:00.000Z",
      to: "2025-09-30T23:00:00.000Z",
      label: "July 2025 to September 2025",
    });
    // A follow-up rebuilds October 2026 in New York from a tool call's dates: the month before is September.
    const october = {
      from: "2026-10-01T04:00:00Z",
      to: "2026-11-01T04:00:00Z",
      label: "that period",
      grain: "span" as const,
      inProgress: false,
    };
    expect(previousPeriod(october, NEW_YORK)).toMatchObject({
      from: "2026-09-01T04:00:00.000Z",
      to: "2026-10-01T04:00:00.000Z",
      label: "September 2026",
    });
  });

  it("a recurring span comes back a day or a week earlier", () => {
    expect(range(previousPeriod(only("this morning"), LONDON))).toEqual(["2026-03-30T05:00:00.000Z", "2026-03-30T11:00:00.000Z"]);
    expect(range(previousPeriod(only("over the weekend"), LONDON))).toEqual(["2026-03-21T00:00:00.000Z", "2026-03-23T00:00:00.000Z"]);
  });
});

describe("the period shifted", () => {
  it("by a week keeps the wall-clock times across the clock change", () => {
    const shifted = shiftedPeriod(only("yesterday"), "week", LONDON);
    expect(shifted).toMatchObject({ from: "2026-03-23T00:00:00.000Z", to: "2026-03-24T00:00:00.000Z", label: "the same day last week" });
  });

  it("by a year: a month is last year's month; a week is the Monday-to-Monday week holding the date", () => {
    expect(shiftedPeriod(only("March 2026"), "year", LONDON)).toMatchObject({ from: "2025-03-01T00:00:00.000Z", label: "March 2025" });
    // Monday 23 March 2026 a year earlier is Sunday 23 March 2025, in the week of Monday 17 March.
    const week = shiftedPeriod(only("last week"), "year", LONDON);
    expect(range(week)).toEqual(["2025-03-17T00:00:00.000Z", "2025-03-24T00:00:00.000Z"]);
  });

  it("a period in progress is compared like for like", () => {
    expect(range(shiftedPeriod(only("today"), "year", LONDON))).toEqual(["2025-03-30T23:00:00.000Z", "2025-03-31T14:30:00.000Z"]);
  });
});

describe("properties over many instants and zones", () => {
  const zones = ["Europe/London", "America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata", "UTC"];
  const instants = fc.date({ min: new Date("2024-01-01T00:00:00Z"), max: new Date("2028-12-31T23:59:59Z"), noInvalidDate: true });
  const zone = fc.constantFrom(...zones);

  function localClock(iso: string, timeZone: string): { weekday: string; day: string; time: string } {
    const formatted = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      weekday: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).formatToParts(new Date(iso));
    const parts = Object.fromEntries(formatted.map((part) => [part.type, part.value]));
    return { weekday: parts.weekday, day: parts.day, time: `${parts.hour}:${parts.minute}` };
  }

  it("yesterday runs from a local midnight to the next, 23 to 25 hours, just before today", () => {
    fc.assert(
      fc.property(instants, zone, (now, timeZone) => {
        const [yesterday, today] = parsePeriods("yesterday and today", now, timeZone);
        expect(localClock(yesterday.from, timeZone).time).toBe("00:00");
        expect(localClock(yesterday.to, timeZone).time).toBe("00:00");
        expect([23, 24, 25]).toContain(hours(yesterday));
        expect(yesterday.to).toBe(today.from);
        expect(today.to).toBe(now.toISOString());
      }),
      { numRuns: 300 },
    );
  });

  it("this week starts on a Monday at local midnight, and last week ends there", () => {
    fc.assert(
      fc.property(instants, zone, (now, timeZone) => {
        const [thisWeek, lastWeek] = parsePeriods("this week vs last week", now, timeZone);
        expect(localClock(thisWeek.from, timeZone)).toMatchObject({ weekday: "Mon", time: "00:00" });
        expect(lastWeek.to).toBe(thisWeek.from);
        expect([167, 168, 169]).toContain(hours(lastWeek));
        expect(previousPeriod(thisWeek, timeZone)).toMatchObject({ from: lastWeek.from, to: lastWeek.to });
      }),
      { numRuns: 300 },
    );
  });

  it("the period before a month or year ends where it starts and starts on the 1st", () => {
    fc.assert(
      fc.property(
        instants,
        zone,
        fc.constantFrom("this month", "last month", "this year", "last year", "yesterday"),
        (now, timeZone, phrase) => {
          const period = only(phrase, now, timeZone);
          const before = previousPeriod(period, timeZone);
          expect(before.to).toBe(period.from);
          expect(before.inProgress).toBe(false);
          if (period.grain !== "day") expect(localClock(before.from, timeZone)).toMatchObject({ day: "1", time: "00:00" });
        },
      ),
      { numRuns: 300 },
    );
  });
});
