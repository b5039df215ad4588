import { describe, expect, it } from "vitest";
import {
  type Found,
  findClock,
  findCount,
  findEnergy,
  findPower,
  findPricePerKwh,
  numberValue,
} from "../../worker/chat/understanding/quantities";

function values<T>(found: Found<T>[]): T[] {
  return found.map((item) => item.value);
}

describe("numberValue", () => {
  it("digits, with thousands separators and decimals", () => {
    expect(numberValue("3")).toBe(3);
    expect(numberValue("1,500")).toBe(1500);
    expect(numberValue("1.5")).toBe(1.5);
    expect(numberValue(".5")).toBe(0.5);
    expect(numberValue("12,345.25")).toBe(12345.25);
    expect(numberValue("2,5")).toBe(2.5);
    expect(numberValue("0,30")).toBe(0.3);
  });

  it("words", () => {
    expect(numberValue("one")).toBe(1);
    expect(numberValue("Twenty")).toBe(20);
    expect(numberValue("a")).toBe(1);
    expect(numberValue("an")).toBe(1);
    expect(numberValue("half")).toBe(0.5);
    expect(numberValue("a dozen")).toBe(12);
    expect(numberValue("a couple of")).toBe(2);
    expect(numberValue("twenty-five")).toBe(25);
    expect(numberValue("thirty two")).toBe(32);
  });

  it("nothing else", () => {
    expect(numberValue("garage")).toBeUndefined();
    expect(numberValue("1,5,0")).toBeUndefined();
    expect(numberValue("")).toBeUndefined();
  });
});

describe("findPower", () => {
  it("kW and W in the ways people write them", () => {
    expect(values(findPower("keep it under 1 kW"))).toEqual([1]);
    expect(values(findPower("no more than 1,500 W"))).toEqual([1.5]);
    expect(values(findPower("1500W"))).toEqual([1.5]);
    expect(values(findPower("half a kilowatt"))).toEqual([0.5]);
    expect(values(findPower("1.5kw"))).toEqual([1.5]);
    expect(values(findPower("2 kilowatts"))).toEqual([2]);
    expect(values(findPower("800 watts"))).toEqual([0.8]);
    expect(values(findPower("a 7 KW charger"))).toEqual([7]);
    expect(values(findPower("unter 2,5 kW"))).toEqual([2.5]);
  });

  it("points at the quantity", () => {
    const text = "Keep the peak of Garage under 1.2 kW please";
    const [found] = findPower(text);
    expect(text.slice(found.index, found.end)).toBe("1.2 kW");
  });

  it("energy is not power", () => {
    expect(findPower("30 kWh")).toEqual([]);
    expect(findPower("5 kilowatt hours")).toEqual([]);
    expect(findPower("500 Wh")).toEqual([]);
    expect(findPower("windows and watts")).toEqual([]);
  });
});

describe("findEnergy", () => {
  it("kWh, Wh, MWh and words", () => {
    expect(values(findEnergy("it needs 30 kWh"))).toEqual([30]);
    expect(values(findEnergy("5 kilowatt hours"))).toEqual([5]);
    expect(values(findEnergy("5 kilowatt-hours"))).toEqual([5]);
    expect(values(findEnergy("500 Wh"))).toEqual([0.5]);
    expect(values(findEnergy("a 13.5kwh battery"))).toEqual([13.5]);
    expect(values(findEnergy("2 MWh"))).toEqual([2000]);
    expect(values(findEnergy("ten kWh"))).toEqual([10]);
    expect(values(findEnergy("twenty-five kWh"))).toEqual([25]);
  });

  it("power is not energy, and both can be in one sentence", () => {
    expect(findEnergy("1 kW")).toEqual([]);
    const text = "we have a 5 kWh battery that charges at 2.5 kW";
    expect(values(findEnergy(text))).toEqual([5]);
    expect(findEnergy("electricity costs us 30 cents a kWh")).toEqual([]);
    expect(values(findPower(text))).toEqual([2.5]);
  });
});

describe("findClock", () => {
  it("am/pm, 24-hour, words", () => {
    expect(values(findClock("by 7 am"))).toEqual([{ hour: 7, minute: 0 }]);
    expect(values(findClock("7am"))).toEqual([{ hour: 7, minute: 0 }]);
    expect(values(findClock("7pm"))).toEqual([{ hour: 19, minute: 0 }]);
    expect(values(findClock("07:30"))).toEqual([{ hour: 7, minute: 30 }]);
    expect(values(findClock("19:00"))).toEqual([{ hour: 19, minute: 0 }]);
    expect(values(findClock("at 7:45 p.m."))).toEqual([{ hour: 19, minute: 45 }]);
    expect(values(findClock("12 am"))).toEqual([{ hour: 0, minute: 0 }]);
    expect(values(findClock("12pm"))).toEqual([{ hour: 12, minute: 0 }]);
    expect(values(findClock("midnight"))).toEqual([{ hour: 0, minute: 0 }]);
    expect(values(findClock("at noon"))).toEqual([{ hour: 12, minute: 0 }]);
    expect(values(findClock("half past six"))).toEqual([{ hour: 6, minute: 30 }]);
    expect(values(findClock("quarter to 8"))).toEqual([{ hour: 7, minute: 45 }]);
    expect(values(findClock("seven o'clock"))).toEqual([{ hour: 7, minute: 0 }]);
  });

  it("by 7: the hour as said", () => {
    const text = "the car must be charged by 7, it needs 30 kWh";
    const found = findClock(text);
    expect(values(found)).toEqual([{ hour: 7, minute: 0 }]);
    expect(text.slice(found[0].index, found[0].end)).toBe("by 7");
    expect(values(findClock("ready by seven"))).toEqual([{ hour: 7, minute: 0 }]);
  });

  it("in the morning, in the evening, at night, tonight", () => {
    const text = "charge it by 7 in the evening";
    const [found] = findClock(text);
    expect(found.value).toEqual({ hour: 19, minute: 0 });
    expect(text.slice(found.index, found.end)).toBe("by 7 in the evening");
    expect(values(findClock("at 6 in the morning"))).toEqual([{ hour: 6, minute: 0 }]);
    expect(values(findClock("at 10 at night"))).toEqual([{ hour: 22, minute: 0 }]);
    expect(values(findClock("at 2 at night"))).toEqual([{ hour: 2, minute: 0 }]);
    expect(values(findClock("from 11 tonight"))).toEqual([{ hour: 23, minute: 0 }]);
    expect(values(findClock("7pm in the evening"))).toEqual([{ hour: 19, minute: 0 }]);
  });

  it("not a number with a unit, a date or a count", () => {
    expect(findClock("keep it under 5 kW")).toEqual([]);
    expect(findClock("at 5 kW")).toEqual([]);
    expect(findClock("from 1 to 15 March")).toEqual([]);
    expect(findClock("from 1 March")).toEqual([]);
    expect(findClock("after 2 days")).toEqual([]);
    expect(findClock("at 25p per kWh")).toEqual([]);
    expect(findClock("25:00")).toEqual([]);
  });
});

describe("findPricePerKwh", () => {
  it("pence, cents, signs, words", () => {
    expect(values(findPricePerKwh("we pay 25p per kWh"))).toEqual([{ price: 0.25, currency: "GBP" }]);
    expect(values(findPricePerKwh("24.5 pence a unit"))).toEqual([{ price: 0.245, currency: "GBP" }]);
    expect(values(findPricePerKwh("0.30 €/kWh"))).toEqual([{ price: 0.3, currency: "EUR" }]);
    expect(values(findPricePerKwh("30 cents a kWh"))).toEqual([{ price: 0.3 }]);
    expect(values(findPricePerKwh("32 ct/kWh"))).toEqual([{ price: 0.32, currency: "EUR" }]);
    expect(values(findPricePerKwh("£0.245/kWh"))).toEqual([{ price: 0.245, currency: "GBP" }]);
    expect(values(findPricePerKwh("$0.18 per kWh"))).toEqual([{ price: 0.18, currency: "USD" }]);
    expect(values(findPricePerKwh("0.28 euros per kilowatt hour"))).toEqual([{ price: 0.28, currency: "EUR" }]);
    expect(values(findPricePerKwh("0.3 per kWh"))).toEqual([{ price: 0.3 }]);
    expect(values(findPricePerKwh("0,30 €/kWh"))).toEqual([{ price: 0.3, currency: "EUR" }]);
  });

  it("points at the price", () => {
    const text = "Our tariff: 25p per kWh, fixed";
    const [found] = findPricePerKwh(text);
    expect(text.slice(found.index, found.end)).toBe("25p per kWh");
  });

  it("a price needs a per kWh", () => {
    expect(findPricePerKwh("it cost £3 yesterday")).toEqual([]);
    expect(findPricePerKwh("30 kWh")).toEqual([]);
  });
});

describe("findCount", () => {
  it("bare counts, in digits or words", () => {
    expect(values(findCount("show the top 3 devices"))).toEqual([3]);
    expect(values(findCount("the three biggest"))).toEqual([3]);
    expect(values(findCount("a couple of meters"))).toEqual([2]);
    expect(values(findCount("a few days"))).toEqual([3]);
  });

  it("not a quantity, a time, a date, a position or a plain article", () => {
    expect(findCount("keep it under 5 kW")).toEqual([]);
    expect(findCount("it needs 30 kWh by 7 am")).toEqual([]);
    expect(findCount("on 2026-03-14")).toEqual([]);
    expect(findCount("14/03/2026")).toEqual([]);
    expect(findCount("site-1")).toEqual([]);
    expect(findCount("a chart of the garage")).toEqual([]);
    expect(findCount("up 8%")).toEqual([]);
  });
});
