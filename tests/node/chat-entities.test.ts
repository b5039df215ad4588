import { describe, expect, it } from "vitest";
import { type Resolution, resolveMeters, resolveNamed } from "../../worker/chat/understanding/entities";
import { editDistance, fold, foldTracked, isTypoOf, singular, words } from "../../worker/chat/understanding/normalize";
import type { MeterRow } from "../../worker/meters/queries";

let created = 0;

function meter(name: string, kind: "site" | "device" = "device", parentId: string | null = null): MeterRow {
  created++;
  return {
    id: `00000000-0000-4000-8000-${String(created).padStart(12, "0")}`,
    ownerId: "owner",
    name,
    timezone: "Europe/London",
    kind,
    parentId,
    webhookKeyVersion: 1,
    previousKeyVersion: null,
    previousKeyExpiresAt: null,
    lastReadingAt: null,
    externalId: null,
    readingIntervalMs: null,
    rollupsReady: true,
    rawKeptFrom: null,
    tariff: null,
    assets: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, created)),
    updatedAt: new Date(Date.UTC(2026, 0, 1, 0, created)),
  };
}

const flat = meter("Flat", "site");
const garage = meter("Garage", "device", flat.id);
const garageCharger = meter("Garage charger", "device", flat.id);
const driveCharger = meter("Drive charger", "device", flat.id);
const heatPump = meter("Heat pump", "device", flat.id);
const cafe = meter("Café", "site");
const METERS = [flat, garage, garageCharger, driveCharger, heatPump, cafe];

function names(resolution: Resolution<MeterRow>): string[] {
  if (resolution.kind === "found") return resolution.items.map((item) => item.name);
  if (resolution.kind === "ambiguous") return resolution.candidates.map((item) => item.name);
  return [];
}

describe("meters by name", () => {
  it("a whole name, in any case, with its position in the text", () => {
    const text = "How much did the GARAGE use yesterday?";
    const resolution = resolveMeters(text, METERS);
    expect(resolution).toMatchObject({ kind: "found", items: [garage] });
    if (resolution.kind === "found") expect(text.slice(resolution.index, resolution.end)).toBe("GARAGE");
  });

  it("a full name beats a partial one", () => {
    expect(resolveMeters("what did the garage charger cost", METERS)).toMatchObject({ kind: "found", items: [garageCharger] });
    expect(resolveMeters("the garage's charger", METERS)).toMatchObject({ kind: "found", items: [garageCharger] });
    expect(resolveMeters("and the garage", METERS)).toMatchObject({ kind: "found", items: [garage] });
  });

  it("two similar names for one phrase are ambiguous, naming the phrase", () => {
    const resolution = resolveMeters("how much did the charger use", METERS);
    expect(resolution.kind).toBe("ambiguous");
    expect(names(resolution).sort()).toEqual(["Drive charger", "Garage charger"]);
    if (resolution.kind === "ambiguous") expect(resolution.phrase).toBe("charger");
  });

  it("a distinctive part of a name is enough", () => {
    expect(resolveMeters("the drive one", METERS)).toMatchObject({ kind: "found", items: [driveCharger] });
  });

  it("misspellings, plurals and accents", () => {
    expect(resolveMeters("how much did the garaje use", METERS)).toMatchObject({ kind: "found", items: [garage] });
    expect(resolveMeters("heat pmup last week", METERS)).toMatchObject({ kind: "found", items: [heatPump] });
    expect(resolveMeters("the heatpump", METERS)).toMatchObject({ kind: "found", items: [heatPump] });
    expect(resolveMeters("drive chargers", METERS)).toMatchObject({ kind: "found", items: [driveCharger] });
    expect(resolveMeters("the cafe", METERS)).toMatchObject({ kind: "found", items: [cafe] });
    expect(resolveMeters("the CAFÉ", METERS)).toMatchObject({ kind: "found", items: [cafe] });
  });

  it("names with numbers and hyphens", () => {
    const first = meter("Flat 1", "site");
    const second = meter("Flat 2", "site");
    const charger = meter("EV-charger", "device", first.id);
    expect(resolveMeters("how much did flat 2 use", [first, second, charger])).toMatchObject({ kind: "found", items: [second] });
    expect(resolveMeters("the flat", [first, second, charger]).kind).toBe("ambiguous");
    expect(resolveMeters("the ev charger", [first, second, charger])).toMatchObject({ kind: "found", items: [charger] });
  });

  it("several things named at once", () => {
    const resolution = resolveMeters("compare the flat and the garage", METERS);
    expect(resolution).toMatchObject({ kind: "found", items: [flat, garage] });
  });

  it("ignores the, my, our, and never reads a name into a stop word", () => {
    expect(resolveMeters("how much did we use last week", METERS)).toEqual({ kind: "none" });
    const house = meter("House", "site");
    expect(resolveMeters("what did we use", [house])).toEqual({ kind: "none" });
    expect(resolveMeters("my house", [house])).toMatchObject({ kind: "found", items: [house] });
    const barn = meter("The Barn", "site");
    expect(resolveMeters("our barn", [barn])).toMatchObject({ kind: "found", items: [barn] });
  });

  it("common words are not misspelt names: right is not lights", () => {
    const lights = meter("Living room lights", "device", flat.id);
    expect(resolveMeters("what is the flat using right now", [flat, lights])).toMatchObject({ kind: "found", items: [flat] });
  });

  it("short words must be exact: the cat is not the car", () => {
    const car = meter("Car");
    expect(resolveMeters("the cat", [car])).toEqual({ kind: "none" });
    expect(resolveMeters("the car", [car])).toMatchObject({ kind: "found", items: [car] });
  });
});

describe("meters by synonym", () => {
  it("the house, home, my place, everything: the site", () => {
    for (const text of ["the house", "my home", "my place", "the apartment", "the whole house", "everything", "the main meter", "total"]) {
      expect(resolveMeters(text, [flat, garage]), text).toMatchObject({ kind: "found", items: [flat] });
    }
  });

  it("with two sites, the house is ambiguous", () => {
    expect(names(resolveMeters("the house", METERS)).sort()).toEqual(["Café", "Flat"]);
  });

  it("a synonym is not read into a near word: costing is not cooking", () => {
    const basement = meter("Basement freezer");
    const kitchen = meter("Kitchen freezer");
    expect(names(resolveMeters("what's the freezer costing this month", [basement, kitchen])).sort()).toEqual([
      "Basement freezer",
      "Kitchen freezer",
    ]);
    expect(resolveMeters("what's the freezer costing this month", [basement, kitchen]).kind).toBe("ambiguous");
  });

  it("a synonym that fits a thing named elsewhere in the text means that thing", () => {
    const mums = meter("Mum's house", "site");
    const resolution = resolveMeters("how much did mum's place use", [flat, mums]);
    expect(resolution).toMatchObject({ kind: "found", items: [mums] });
    if (resolution.kind === "found") expect("how much did mum's place use".slice(resolution.index, resolution.end)).toBe("mum's place");
  });

  it("the car or EV: a device whose name says charger, EV, car or wallbox", () => {
    const wallbox = meter("Wallbox", "device", flat.id);
    expect(resolveMeters("charge the car by 7", [flat, wallbox, heatPump])).toMatchObject({ kind: "found", items: [wallbox] });
    expect(resolveMeters("the EV", [flat, garageCharger])).toMatchObject({ kind: "found", items: [garageCharger] });
    expect(resolveMeters("the car", METERS).kind).toBe("ambiguous");
    expect(resolveMeters("change it to an area chart", METERS)).toEqual({ kind: "none" });
    expect(resolveMeters("the chargr", METERS).kind).toBe("ambiguous");
    // "charge" is a verb here, not a misspelt "charger".
    expect(resolveMeters("charge the garage charger", METERS)).toMatchObject({ kind: "found", items: [garageCharger] });
  });

  it("heating, solar panels, washer, cooking, hot water", () => {
    const solar = meter("Solar PV");
    const washing = meter("Washing machine");
    const oven = meter("Oven");
    const immersion = meter("Immersion heater");
    const fridge = meter("Fridge freezer");
    const all = [flat, heatPump, solar, washing, oven, immersion, fridge];
    expect(resolveMeters("the heating", all)).toMatchObject({ kind: "found", items: [heatPump] });
    expect(resolveMeters("the hp", all)).toMatchObject({ kind: "found", items: [heatPump] });
    expect(resolveMeters("the panels", all)).toMatchObject({ kind: "found", items: [solar] });
    expect(resolveMeters("the washer", all)).toMatchObject({ kind: "found", items: [washing] });
    expect(resolveMeters("cooking", all)).toMatchObject({ kind: "found", items: [oven] });
    expect(resolveMeters("hot water", all)).toMatchObject({ kind: "found", items: [immersion] });
    expect(resolveMeters("the freezer", all)).toMatchObject({ kind: "found", items: [fridge] });
  });

  it("a name beats a synonym", () => {
    const home = meter("Home office", "device", flat.id);
    expect(resolveMeters("the home office", [flat, home])).toMatchObject({ kind: "found", items: [home] });
  });
});

describe("meters by position", () => {
  it("site-1, meter-2, device-3 as the offline grammar numbered them", () => {
    expect(resolveMeters("site-1", METERS)).toMatchObject({ kind: "found", items: [flat] });
    expect(resolveMeters("site-2", METERS)).toMatchObject({ kind: "found", items: [cafe] });
    expect(resolveMeters("meter-2", METERS)).toMatchObject({ kind: "found", items: [garage] });
    expect(resolveMeters("device-3", METERS)).toMatchObject({ kind: "found", items: [driveCharger] });
    expect(resolveMeters("device-9", METERS)).toEqual({ kind: "none" });
  });
});

describe("tabs, charts and tariffs by name", () => {
  const tabs = [
    { id: "t1", name: "Overview" },
    { id: "t2", name: "Heating winter" },
    { id: "t3", name: "Heating summer" },
  ];

  it("whole, misspelt, or ambiguous by a shared word", () => {
    expect(resolveNamed("open the overveiw tab", tabs)).toMatchObject({ kind: "found", items: [tabs[0]] });
    expect(resolveNamed("heating summer", tabs)).toMatchObject({ kind: "found", items: [tabs[2]] });
    expect(resolveNamed("the heating tab", tabs)).toMatchObject({ kind: "ambiguous", phrase: "heating" });
    expect(resolveNamed("nothing like it", tabs)).toEqual({ kind: "none" });
  });

  it("tariffs with a brand name", () => {
    const tariffs = [
      { id: "a", name: "Octopus Agile" },
      { id: "g", name: "Octopus Go" },
    ];
    expect(resolveNamed("our tariff is Octopus Agile", tariffs)).toMatchObject({ kind: "found", items: [tariffs[0]] });
    expect(resolveNamed("we're on agile", tariffs)).toMatchObject({ kind: "found", items: [tariffs[0]] });
    expect(resolveNamed("we are with octopus", tariffs).kind).toBe("ambiguous");
  });
});

describe("text folding", () => {
  it("lower case, accents off, apostrophes plain, possessives dropped, punctuation to spaces", () => {
    expect(fold("  Café’s  GARAGE's meter, (new)!  ")).toBe("cafe garage meter new");
    expect(fold("Crème brûlée – naïve")).toBe("creme brulee naive");
    expect(fold("don't")).toBe("don't");
    expect(words("14/03/2026 at 07:30")).toEqual(["14", "03", "2026", "at", "07", "30"]);
  });

  it("keeps where each word came from", () => {
    const text = "Ünder the GARAGE’s roof";
    const folded = foldTracked(text);
    expect(folded.text).toBe("under the garage roof");
    const at = folded.source(10, 16);
    expect(text.slice(at.index, at.end)).toBe("GARAGE’s");
  });

  it("singular", () => {
    expect(["chargers", "batteries", "switches", "boxes", "gas", "bus", "glass", "hours", "kwh", "this"].map(singular)).toEqual([
      "charger",
      "battery",
      "switch",
      "box",
      "gas",
      "bus",
      "glass",
      "hour",
      "kwh",
      "this",
    ]);
  });

  it("edit distance counts a swap of neighbours as one", () => {
    expect(editDistance("garage", "garage")).toBe(0);
    expect(editDistance("garage", "garaje")).toBe(1);
    expect(editDistance("pmup", "pump")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(isTypoOf("yestarday", "yesterday")).toBe(true);
    expect(isTypoOf("use", "house")).toBe(false);
    expect(isTypoOf("flta", "flat")).toBe(true);
    expect(isTypoOf("float", "flat")).toBe(true);
    expect(isTypoOf("flute", "flat")).toBe(false);
  });
});
