import { describe, expect, it } from "vitest";
import { mapInfluxPoints, readingsToStore, validateLocatedReadings, withRegisterEnergy } from "../../worker/readings/influx-mapping";
import { LineProtocolError, parseLineProtocol } from "../../worker/readings/line-protocol";

/**
 * Bodies shaped as the senders write them (Home Assistant's influxdb integration: measurement = unit, tags domain and
 * entity_id = the object id, field value, attributes as fields with `_str` for strings; Telegraf's influx serializer:
 * its own measurement and fields, a host tag, ns timestamps). Every expected value is worked out by hand.
 */

const T0 = 1765000000000; // 2025-12-06T05:46:40Z
const NS = (ms: number) => `${ms}000000`;
const iso = (ms: number) => new Date(ms).toISOString();
const map = (body: string) => mapInfluxPoints(parseLineProtocol(body, { receivedAtMs: T0 }));
const byKey = (body: string) => Object.fromEntries(map(body).map((target) => [target.key, target]));

describe("influx mapping: Home Assistant", () => {
  const body = [
    `W,domain=sensor,entity_id=house_power value=1234.5,friendly_name_str="House power",device_class_str="power",state_class_str="measurement" ${NS(T0)}`,
    `kWh,domain=sensor,entity_id=house_energy value=4521.25,friendly_name_str="House energy",device_class_str="energy",state_class_str="total_increasing",last_reset_str="None" ${NS(T0)}`,
    `kW,domain=sensor,entity_id=heat_pump_power value=1.5,friendly_name_str="Heat pump" ${NS(T0 + 10_000)}`,
    `V,domain=sensor,entity_id=grid_voltage value=231.5 ${NS(T0)}`,
    `A,domain=sensor,entity_id=grid_current value=5.25 ${NS(T0)}`,
    `mA,domain=sensor,entity_id=standby_current value=250 ${NS(T0)}`,
    `%,domain=sensor,entity_id=grid_power_factor value=97,device_class_str="power_factor" ${NS(T0)}`,
    `%,domain=sensor,entity_id=grid_thd value=2.5,friendly_name_str="Grid THD" ${NS(T0)}`,
    `%,domain=sensor,entity_id=phone_battery value=80,device_class_str="battery",friendly_name_str="Phone 12",friendly_name=12 ${NS(T0)}`,
    `°C,domain=sensor,entity_id=living_room value=21.5 ${NS(T0)}`,
    `sensor__power,domain=sensor,entity_id=dryer value=2000,unit_of_measurement_str="W" ${NS(T0)}`,
    `Wh,domain=sensor,entity_id=plug_energy value=1500,icon_str="mdi:flash",max_power=3680 ${NS(T0)}`,
    `MWh,domain=sensor,entity_id=feed_in value=1.25 ${NS(T0)}`,
    `sensor.kitchen_pf,domain=sensor,entity_id=kitchen_pf value=0.92,device_class_str="power_factor" ${NS(T0)}`,
    `switch.kettle,domain=switch,entity_id=kettle state="on" ${NS(T0)}`,
    `W,domain=sensor,entity_id=house_power value=1300,friendly_name_str="House power" ${NS(T0 + 60_000)}`,
    `kWh,domain=sensor,entity_id=house_energy value=4521.5,friendly_name_str="House energy" ${NS(T0 + 60_000)}`,
  ].join("\n");

  it("maps each entity to its device by unit, value by value", () => {
    const targets = byKey(body);
    expect(Object.keys(targets).sort()).toEqual([
      "entity:sensor.dryer",
      "entity:sensor.feed_in",
      "entity:sensor.grid_current",
      "entity:sensor.grid_power_factor",
      "entity:sensor.grid_thd",
      "entity:sensor.grid_voltage",
      "entity:sensor.heat_pump_power",
      "entity:sensor.house_energy",
      "entity:sensor.house_power",
      "entity:sensor.kitchen_pf",
      "entity:sensor.plug_energy",
      "entity:sensor.standby_current",
      "site",
    ]);
    expect(targets["entity:sensor.house_power"]).toEqual({
      key: "entity:sensor.house_power",
      target: { kind: "entity", entityId: "sensor.house_power" },
      name: "House power",
      readings: [
        { line: 1, reading: { ts: iso(T0), power_w: 1234.5 } },
        { line: 16, reading: { ts: iso(T0 + 60_000), power_w: 1300 } },
      ],
      registers: [],
      ignoredFields: [],
    });
    expect(targets["entity:sensor.house_energy"]).toMatchObject({
      name: "House energy",
      readings: [],
      registers: [
        { line: 2, ts: T0, totalWh: 4_521_250 },
        { line: 17, ts: T0 + 60_000, totalWh: 4_521_500 },
      ],
      ignoredFields: [],
    });
    const only = (key: string) => targets[key].readings.map((located) => located.reading);
    expect(only("entity:sensor.heat_pump_power")).toEqual([{ ts: iso(T0 + 10_000), power_w: 1500 }]);
    expect(targets["entity:sensor.heat_pump_power"].name).toBe("Heat pump");
    expect(only("entity:sensor.grid_voltage")).toEqual([{ ts: iso(T0), voltage_v: 231.5 }]);
    expect(targets["entity:sensor.grid_voltage"].name).toBe("sensor.grid_voltage");
    expect(only("entity:sensor.grid_current")).toEqual([{ ts: iso(T0), current_a: 5.25 }]);
    expect(only("entity:sensor.standby_current")).toEqual([{ ts: iso(T0), current_a: 0.25 }]);
    expect(only("entity:sensor.grid_power_factor")).toEqual([{ ts: iso(T0), power_factor: 0.97 }]);
    expect(only("entity:sensor.grid_thd")).toEqual([{ ts: iso(T0), thd_pct: 2.5 }]);
    expect(only("entity:sensor.dryer")).toEqual([{ ts: iso(T0), power_w: 2000 }]);
    expect(only("entity:sensor.kitchen_pf")).toEqual([{ ts: iso(T0), power_factor: 0.92 }]);
    expect(targets["entity:sensor.plug_energy"]).toMatchObject({
      registers: [{ line: 12, ts: T0, totalWh: 1500 }],
      ignoredFields: ["Wh.max_power"],
    });
    expect(targets["entity:sensor.feed_in"].registers).toEqual([{ line: 13, ts: T0, totalWh: 1_250_000 }]);
  });

  it("creates no device for an entity that maps to nothing, listing its numbers on the site", () => {
    expect(byKey(body).site).toEqual({
      key: "site",
      target: { kind: "site" },
      name: "site",
      readings: [],
      registers: [],
      ignoredFields: ["sensor.living_room: °C.value", "sensor.phone_battery: %.value"],
    });
  });

  it("names a device from the first friendly name among its points", () => {
    const targets = map(
      [
        `W,domain=sensor,entity_id=oven value=10 ${NS(T0)}`,
        `W,domain=sensor,entity_id=oven value=12,friendly_name_str="Oven" ${NS(T0 + 1000)}`,
      ].join("\n"),
    );
    expect(targets.map((target) => target.name)).toEqual(["Oven"]);
  });

  it("keeps an entity id that already has its domain", () => {
    expect(map(`W,entity_id=sensor.oven value=10 ${NS(T0)}`)[0].target).toEqual({ kind: "entity", entityId: "sensor.oven" });
    expect(map(`W,entity_id=oven value=10 ${NS(T0)}`)[0].target).toEqual({ kind: "entity", entityId: "oven" });
  });
});

describe("influx mapping: Telegraf", () => {
  const body = [
    `electricity,host=pi,meter=heat_pump power_w=1520.5,voltage_v=231.2,current_a=6.58,power_factor=0.98,energy_total_kwh=1234.5 ${NS(T0)}`,
    `electricity,host=pi,meter=heat_pump power_w=1498i,voltage_v=230.9,current_a=6.49,power_factor=0.97,energy_total_kwh=1234.625 ${NS(T0 + 60_000)}`,
    `cpu,host=pi,cpu=cpu-total usage_idle=97.5,usage_user=1.5 ${NS(T0)}`,
    `electricity,host=pi power_w=320,energy_wh=5.25,thd_pct=3.1,relay_on=true,firmware="1.2" ${NS(T0)}`,
    `electricity,host=pi voltage_v=229.5 ${NS(T0)}`,
    `electricity,host=pi power_w=999 ${NS(T0)}`,
    `shelly,meter=fridge energy_total_wh=20500u ${NS(T0)}`,
  ].join("\n");

  it("maps metric-named fields, a meter tag and registers, value by value", () => {
    const targets = byKey(body);
    expect(Object.keys(targets).sort()).toEqual(["meter:fridge", "meter:heat_pump", "site"]);
    expect(targets["meter:heat_pump"]).toEqual({
      key: "meter:heat_pump",
      target: { kind: "meter", ref: "heat_pump" },
      name: "heat_pump",
      readings: [
        { line: 1, reading: { ts: iso(T0), power_w: 1520.5, voltage_v: 231.2, current_a: 6.58, power_factor: 0.98 } },
        { line: 2, reading: { ts: iso(T0 + 60_000), power_w: 1498, voltage_v: 230.9, current_a: 6.49, power_factor: 0.97 } },
      ],
      registers: [
        { line: 1, ts: T0, totalWh: 1_234_500 },
        { line: 2, ts: T0 + 60_000, totalWh: 1_234_625 },
      ],
      ignoredFields: [],
    });
    expect(targets["meter:fridge"].registers).toEqual([{ line: 7, ts: T0, totalWh: 20_500 }]);
  });

  it("merges points of one meter and instant (the first value of a metric wins) and lists ignored numbers and booleans", () => {
    expect(byKey(body).site).toEqual({
      key: "site",
      target: { kind: "site" },
      name: "site",
      readings: [{ line: 4, reading: { ts: iso(T0), power_w: 320, energy_wh: 5.25, thd_pct: 3.1, voltage_v: 229.5 } }],
      registers: [],
      ignoredFields: ["cpu.usage_idle", "cpu.usage_user", "electricity.relay_on"],
    });
  });

  it("refuses a metric field that is not a number, naming its line", () => {
    const error = (() => {
      try {
        map(`electricity power_w=1\nelectricity power_w="12"`);
      } catch (caught) {
        return caught as LineProtocolError;
      }
    })();
    expect(error).toBeInstanceOf(LineProtocolError);
    expect(error?.message).toBe("line 2: field 'power_w' must be a number, not a string");
    expect(() => map("m energy_total_kwh=-1")).toThrow(
      "line 1: field 'energy_total_kwh' is a cumulative energy register and must not be negative",
    );
  });
});

describe("influx mapping: energy from registers and validation", () => {
  const target = map(
    [
      `m,meter=a power_w=100,energy_total_wh=1000 ${NS(T0)}`,
      `m,meter=a energy_total_wh=1010 ${NS(T0 + 60_000)}`,
      `m,meter=a power_w=90,energy_wh=7,energy_total_wh=1020 ${NS(T0 + 120_000)}`,
    ].join("\n"),
  )[0];

  it("puts interval energy into the reading at its instant, or a new one, and never over a sender's own energy_wh", () => {
    expect(
      withRegisterEnergy(target, [
        { ts: T0 + 60_000, energyWh: 10 },
        { ts: T0 + 120_000, energyWh: 10 },
      ]),
    ).toEqual([
      { line: 1, reading: { ts: iso(T0), power_w: 100 } },
      { line: 2, reading: { ts: iso(T0 + 60_000), energy_wh: 10 } },
      { line: 3, reading: { ts: iso(T0 + 120_000), power_w: 90, energy_wh: 7 } },
    ]);
    expect(target.readings[0].reading).toEqual({ ts: iso(T0), power_w: 100 });
  });

  it("validates readings against the contract, naming the first bad line", () => {
    expect(validateLocatedReadings([{ line: 1, reading: { ts: iso(T0), power_w: 1 } }])).toEqual([{ ts: iso(T0), power_w: 1 }]);
    expect(() =>
      validateLocatedReadings([
        { line: 9, reading: { ts: iso(T0), power_factor: 3 } },
        { line: 4, reading: { ts: "1999-12-31T00:00:00.000Z", power_w: 1 } },
      ]),
    ).toThrow("line 4: timestamp must be between 2000-01-01 and 5 minutes from now");
    expect(() => validateLocatedReadings([{ line: 2, reading: { ts: iso(T0), power_factor: 3 } }])).toThrow(/^line 2: power_factor /);
  });

  it("prepares every target's readings at once, naming the lowest bad line of the body", () => {
    const targets = map(
      [
        `m,meter=a energy_total_wh=1000 ${NS(T0)}`,
        `m,meter=b power_w=5 ${NS(T0)}`,
        `m,meter=a energy_total_wh=1010 ${NS(T0 + 60_000)}`,
        `m,meter=b power_w=6 ${NS(T0 + 60_000)}`,
      ].join("\n"),
    );
    const intervals = new Map([["meter:a", [{ ts: T0 + 60_000, energyWh: 10 }]]]);
    expect(readingsToStore(targets, intervals, T0 + 60_000)).toEqual(
      new Map([
        ["meter:a", [{ ts: iso(T0 + 60_000), energy_wh: 10 }]],
        [
          "meter:b",
          [
            { ts: iso(T0), power_w: 5 },
            { ts: iso(T0 + 60_000), power_w: 6 },
          ],
        ],
      ]),
    );
    const bad = map(
      [
        `m,meter=a power_factor=0.5 ${NS(T0)}`,
        `m,meter=b power_w=1 ${NS(T0)}`,
        `m,meter=b energy_total_wh=10 946684799000000000`,
        `m,meter=a power_factor=2 ${NS(T0 + 1000)}`,
      ].join("\n"),
    );
    expect(() => readingsToStore(bad, new Map(), T0)).toThrow("line 3: timestamp must be between 2000-01-01 and 5 minutes from now");
    expect(() => readingsToStore(bad.slice(0, 1), new Map(), T0)).toThrow(/^line 4: power_factor /);
  });
});
