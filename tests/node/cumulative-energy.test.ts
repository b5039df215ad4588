import { describe, expect, it } from "vitest";
import { type EnergyRegister, registerIntervals } from "../../worker/readings/cumulative-energy";

/** Expected intervals are worked out by hand from the rules in worker/readings/cumulative-energy.ts. */

const T0 = Date.parse("2026-01-15T10:00:00Z");
const MINUTE = 60_000;
const at = (minutes: number, totalWh: number): EnergyRegister => ({ ts: T0 + minutes * MINUTE, totalWh });

const PREVIOUS = at(-1, 1000);
/** A register that grows, dips, resets, then stops for two hours. */
const REGISTERS = [
  at(0, 1010),
  at(1, 1025),
  at(2, 1024), // a dip of 1 Wh: noise
  at(3, 1030),
  at(4, 5), // below 90 % of 1030: a reset, counting from 0
  at(5, 12),
  at(125, 500), // 120 minutes after the last value: no interval
  at(126, 520),
  at(186, 530), // exactly 60 minutes: still an interval
];
const EXPECTED = [
  { ts: T0, energyWh: 10 },
  { ts: T0 + 1 * MINUTE, energyWh: 15 },
  { ts: T0 + 2 * MINUTE, energyWh: 0 },
  { ts: T0 + 3 * MINUTE, energyWh: 6 },
  { ts: T0 + 4 * MINUTE, energyWh: 5 },
  { ts: T0 + 5 * MINUTE, energyWh: 7 },
  { ts: T0 + 126 * MINUTE, energyWh: 20 },
  { ts: T0 + 186 * MINUTE, energyWh: 10 },
];

describe("cumulative energy to energy per interval", () => {
  it("turns growth into energy, survives a dip, a reset and a gap", () => {
    expect(registerIntervals(REGISTERS, PREVIOUS)).toEqual(EXPECTED);
  });

  it("gives the first value ever no interval", () => {
    expect(registerIntervals([at(0, 1010), at(1, 1025)], undefined)).toEqual([{ ts: T0 + MINUTE, energyWh: 15 }]);
    expect(registerIntervals([], undefined)).toEqual([]);
  });

  it("treats a drop to 0 as a reset and just under 90 % as one too, 90 % and above as noise", () => {
    expect(registerIntervals([at(0, 0)], at(-1, 500))).toEqual([{ ts: T0, energyWh: 0 }]);
    expect(registerIntervals([at(0, 899)], at(-1, 1000))).toEqual([{ ts: T0, energyWh: 899 }]);
    expect(registerIntervals([at(0, 900)], at(-1, 1000))).toEqual([{ ts: T0, energyWh: 0 }]);
  });

  it("gives the same intervals for the batch split in two at any point", () => {
    for (let split = 0; split <= REGISTERS.length; split++) {
      const first = REGISTERS.slice(0, split);
      const second = REGISTERS.slice(split);
      const previousOfSecond = split === 0 ? PREVIOUS : REGISTERS[split - 1];
      expect([...registerIntervals(first, PREVIOUS), ...registerIntervals(second, previousOfSecond)]).toEqual(EXPECTED);
    }
  });

  it("gives the same intervals for the batch sent twice, in any order, with repeated instants", () => {
    expect(registerIntervals(REGISTERS, PREVIOUS)).toEqual(registerIntervals(REGISTERS, PREVIOUS));
    const shuffled = [
      REGISTERS[5],
      REGISTERS[0],
      REGISTERS[8],
      REGISTERS[2],
      REGISTERS[7],
      REGISTERS[1],
      REGISTERS[4],
      REGISTERS[6],
      REGISTERS[3],
    ];
    expect(registerIntervals(shuffled, PREVIOUS)).toEqual(EXPECTED);
    expect(registerIntervals([at(0, 1010), at(0, 1500), at(1, 1025)], PREVIOUS)).toEqual([
      { ts: T0, energyWh: 10 },
      { ts: T0 + MINUTE, energyWh: 15 },
    ]);
  });

  it("skips values not after the previous one", () => {
    expect(registerIntervals([at(-2, 990), at(-1, 1000), at(0, 1010)], PREVIOUS)).toEqual([{ ts: T0, energyWh: 10 }]);
  });

  it("takes another gap limit", () => {
    expect(registerIntervals([at(0, 1010), at(10, 1030)], PREVIOUS, { maxIntervalMs: 5 * MINUTE })).toEqual([{ ts: T0, energyWh: 10 }]);
  });
});
