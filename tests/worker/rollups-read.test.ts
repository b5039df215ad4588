import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { meterTariff, priceGrid } from "../../worker/costs/pricing";
import { connectDatabase } from "../../worker/db/client";
import { getMeter } from "../../worker/meters/queries";
import { energyQuery, meterIntervalMs } from "../../worker/readings/queries";
import { planRead } from "../../worker/rollups/planner";
import { wholeEnergies, wholeEnergy } from "../../worker/rollups/read";
import { rebuildRollups } from "../../worker/rollups/service";
import { planBuckets } from "../../worker/series/buckets";
import { measure } from "../../worker/series/measure";
import { call, createMeter, postReadings, seededRandom, signIn } from "./helpers";

const connection = connectDatabase(env.DATABASE_URL!, env.DB_WS_PROXY);
afterAll(() => connection.close());

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const BUCKETS = ["1m", "5m", "15m", "30m", "1h", "3h", "6h", "12h", "1d", "1w", "1mo"] as const;
const METRICS = ["power_w", "energy_wh", "cost", "voltage_v"] as const;

interface Zone {
  zone: string;
  /** Two days of the zone's 2025 clock changes (any two days for zones without). */
  changes: [string, string];
  /** A time-of-use boundary: "16:00" keeps prices constant per quarter hour (cost from the hourly tier), "16:10" does not (cost raw). */
  peakFrom: string;
}

const ZONES: Zone[] = [
  { zone: "Europe/London", changes: ["2025-03-30", "2025-10-26"], peakFrom: "16:00" },
  { zone: "America/New_York", changes: ["2025-03-09", "2025-11-02"], peakFrom: "16:30" },
  { zone: "Asia/Kolkata", changes: ["2025-03-30", "2025-10-26"], peakFrom: "16:00" },
  { zone: "Australia/Adelaide", changes: ["2025-04-06", "2025-10-05"], peakFrom: "16:10" },
  { zone: "UTC", changes: ["2025-03-30", "2025-10-26"], peakFrom: "07:45" },
];

type Reading = { ts: string; power_w?: number; energy_wh?: number; voltage_v?: number };

/**
 * Readings every ~7 minutes (jittered to the second) for three days either side of each clock
 * change, every ~3 hours between them, with gaps; most carry power and voltage, some energy only,
 * some both.
 */
function readingsFor(zone: Zone, next: () => number): Reading[] {
  const readings: Reading[] = [];
  const add = (t: number) => {
    const kind = next();
    const reading: Reading = { ts: new Date(Math.round(t / 1000) * 1000).toISOString() };
    if (kind < 0.7) {
      reading.power_w = Math.round(200 + 3000 * next());
      reading.voltage_v = 225 + 10 * next();
    } else if (kind < 0.85) reading.energy_wh = 5 + 400 * next();
    else {
      reading.power_w = Math.round(200 + 3000 * next());
      reading.energy_wh = 5 + 400 * next();
    }
    readings.push(reading);
  };
  const [a, b] = zone.changes.map((day) => Date.parse(`${day}T00:00:00Z`));
  for (const centre of [a, b]) {
    for (let t = centre - 3 * DAY; t < centre + 3 * DAY; t += 7 * MINUTE) {
      if (next() < 0.03) t += 40 * MINUTE * next(); // a gap
      add(t + 90_000 * (next() - 0.5));
    }
  }
  for (let t = a + 3 * DAY + HOUR; t < b - 3 * DAY; t += 3 * HOUR) add(t + 20 * MINUTE * next());
  readings.sort((x, y) => Date.parse(x.ts) - Date.parse(y.ts));
  return readings.filter((r, i) => i === 0 || r.ts !== readings[i - 1].ts);
}

async function setReady(meterId: string, ready: boolean) {
  await connection.db.$client.query("UPDATE meters SET rollups_ready = $2 WHERE id = $1", [meterId, ready]);
}

function close(a: number | null | undefined, b: number | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-6);
}

type Point = {
  t: string;
  avg: number | null;
  min: number | null;
  max: number | null;
  sum: number | null;
  count: number;
  covered?: number;
  note?: string;
};

function expectSame(label: string, raw: Point[], rolled: Point[]) {
  expect(
    rolled.map((p) => p.t),
    label,
  ).toEqual(raw.map((p) => p.t));
  raw.forEach((r, i) => {
    const p = rolled[i];
    const where = `${label} @ ${r.t}: raw ${JSON.stringify(r)} rollups ${JSON.stringify(p)}`;
    expect(p.count, where).toBe(r.count);
    for (const field of ["avg", "min", "max", "sum", "covered"] as const)
      expect(close(r[field], p[field]), `${where} (${field})`).toBe(true);
    expect(p.note, where).toBe(r.note);
  });
}

describe("series, summaries and measurements from rollups equal the raw computation", () => {
  for (const [z, zone] of ZONES.entries()) {
    it(`random windows, buckets and metrics in ${zone.zone}`, async () => {
      const next = seededRandom(20 + z);
      const { token, userId } = await signIn();
      const meter = await createMeter(token, { timezone: zone.zone });
      const tariff = { kind: "tou", defaultPrice: 0.24, periods: [{ from: zone.peakFrom, to: "19:00", price: 0.38 }], currency: "GBP" };
      expect((await call("PATCH", `/api/meters/${meter.id}`, { token, body: { tariff } })).status).toBe(200);

      // Ingest: most readings in order, then a late batch inside hours already rolled up, then duplicates.
      const readings = readingsFor(zone, next);
      const late = readings.filter(() => next() < 0.1);
      const onTime = readings.filter((r) => !late.includes(r));
      for (const batch of [onTime.slice(0, 4_000), onTime.slice(4_000), late, late.slice(0, 50)]) {
        if (batch.length === 0) continue;
        const result = await postReadings(meter.id, meter.webhook.secret, { readings: batch });
        expect(result.status, JSON.stringify(result.body)).toBe(200);
      }
      // The rollups are kept by the ingest itself; a batch that moved the reading interval marks them
      // not ready and queues a rebuild, done here at once.
      const ready = await connection.db.$client.query("SELECT rollups_ready FROM meters WHERE id = $1", [meter.id]);
      if (!(ready.rows[0] as { rollups_ready: boolean }).rollups_ready) await rebuildRollups(connection.db, meter.id);

      const first = Date.parse(readings[0].ts);
      const last = Date.parse(readings[readings.length - 1].ts);
      const cases = Array.from({ length: 14 }, (_, i) => {
        const bucket = BUCKETS[Math.floor(next() * BUCKETS.length)];
        const metric = METRICS[i % METRICS.length];
        // Short windows for fine buckets; long ones, across both clock changes, for coarse ones.
        const longest = BUCKETS.indexOf(bucket) < 4 ? 2 * DAY : BUCKETS.indexOf(bucket) < 8 ? 40 * DAY : 240 * DAY;
        // Windows start near the clock changes half of the time, anywhere in the data otherwise.
        const centre = Date.parse(`${zone.changes[i % 2]}T00:00:00Z`);
        const from = next() < 0.5 ? centre - DAY + Math.floor(next() * 2 * DAY) : first + Math.floor(next() * (last - first));
        const to = from + MINUTE + Math.floor(next() * longest);
        return {
          bucket,
          metric,
          from: new Date(Math.floor(from / 1000) * 1000).toISOString(),
          to: new Date(Math.floor(to / 1000) * 1000).toISOString(),
        };
      });
      // The boundaries of local days, alone: a window of exactly the DST day and its neighbours.
      cases.push({
        bucket: "1d",
        metric: "energy_wh",
        from: new Date(Date.parse(`${zone.changes[0]}T00:00:00Z`) - 2 * DAY).toISOString(),
        to: new Date(Date.parse(`${zone.changes[0]}T00:00:00Z`) + 2 * DAY).toISOString(),
      });
      const path = (c: (typeof cases)[number]) =>
        `/api/meters/${meter.id}/series?metric=${c.metric}&from=${c.from}&to=${c.to}&bucket=${c.bucket}&points=2000`;

      // The cases read every source the zone allows (days only where local midnights are whole UTC hours).
      const used = new Set(
        cases.flatMap((c) => {
          const from = Date.parse(c.from);
          const to = Date.parse(c.to);
          const plan = planBuckets(new Date(from), new Date(to), 2000, c.bucket)!;
          return planRead(from, to, plan, zone.zone, { ready: true, days: c.metric !== "cost" }).segments.map((s) => s.source);
        }),
      );
      expect([...used].sort()).toEqual(
        zone.zone === "Asia/Kolkata" || zone.zone === "Australia/Adelaide" ? ["hour", "raw"] : ["day", "hour", "raw"],
      );

      await setReady(meter.id, false);
      const raw = [];
      for (const c of cases) raw.push(await call("GET", path(c), { token }));
      await setReady(meter.id, true);
      for (const [i, c] of cases.entries()) {
        const rolled = await call("GET", path(c), { token });
        expect(rolled.status).toBe(200);
        expect(raw[i].status).toBe(200);
        expectSame(`${zone.zone} ${c.metric} ${c.bucket} ${c.from}..${c.to}`, raw[i].body.points, rolled.body.points);
      }

      // The all-raw read is the energy model of energyQuery itself (same cap): energy, cover and cost per bucket.
      const row = (await getMeter(connection.db, userId, meter.id))!;
      const priced = await meterTariff(connection.db, userId, row);
      for (const [i, c] of cases.entries()) {
        if (c.metric !== "energy_wh" && c.metric !== "cost") continue;
        const from = new Date(c.from);
        const to = new Date(c.to);
        const plan = planBuckets(from, to, 2000, c.bucket)!;
        const grid = c.metric === "cost" ? priceGrid(priced.tariff, from.getTime(), to.getTime()) : undefined;
        const typicalMs = await meterIntervalMs(connection.db, meter.id, to);
        const { text, values } = energyQuery(meter.id, from, to, plan, zone.zone, typicalMs, grid);
        const expected = (await connection.db.$client.query(text, values)).rows as {
          t: Date | string;
          energy_wh: number;
          cost?: number | null;
        }[];
        const points = raw[i].body.points as Point[];
        expect(points.map((p) => p.t)).toEqual(expected.map((e) => new Date(e.t).toISOString()));
        expected.forEach((e, j) => {
          const value = c.metric === "cost" ? (e.cost === null || e.cost === undefined ? null : Number(e.cost)) : Number(e.energy_wh);
          expect(close(points[j].sum, value), `${c.metric} ${c.bucket} ${c.from}: ${points[j].sum} vs ${value}`).toBe(true);
        });
      }

      // Whole windows (summaries, the measure tool): energy, cost and the highest power held from the
      // rollups equal energyQuery's over the raw readings, the peak and its instant exactly.
      let hourPeaks = 0;
      let clipped = 0;
      const windows = cases.map((c) => ({ from: Date.parse(c.from), to: Date.parse(c.to) }));
      for (const window of windows) {
        const from = new Date(window.from);
        const to = new Date(window.to);
        const grid = priceGrid(priced.tariff, from.getTime(), to.getTime());
        const typicalMs = await meterIntervalMs(connection.db, meter.id, to);
        const { text, values } = energyQuery(meter.id, from, to, "whole", zone.zone, typicalMs, grid, true);
        const [expected] = (await connection.db.$client.query(text, values)).rows as {
          energy_wh: number;
          covered_ms: number;
          cost: number | null;
          peak_w: number | null;
          peak_at: number | null;
        }[];
        const rolled = await wholeEnergy(connection.db, row, from, to, grid, true);
        const label = `whole ${from.toISOString()}..${to.toISOString()}: raw ${JSON.stringify(expected)} rollups ${JSON.stringify(rolled)}`;
        if (!expected) {
          expect(rolled, label).toBeUndefined();
          continue;
        }
        expect(rolled, label).toBeDefined();
        expect(close(rolled!.energyWh, Number(expected.energy_wh)), label).toBe(true);
        expect(close(rolled!.covered, Number(expected.covered_ms) / (to.getTime() - from.getTime())), label).toBe(true);
        expect(close(rolled!.cost, expected.cost === null ? null : Number(expected.cost)), label).toBe(true);
        expect(rolled!.peakW, label).toBe(Number(expected.peak_w));
        expect(rolled!.peakAt, label).toBe(Number(expected.peak_at));
        if (rolled!.peakAt === from.getTime()) clipped++;
        // Once more from just inside the peak's span, two days on: the span starts before the window.
        else if (windows.length < cases.length + 4 && expected.peak_at !== null)
          windows.push({ from: Number(expected.peak_at) + 1_000, to: Number(expected.peak_at) + 2 * DAY });
        const plan = planRead(from.getTime(), to.getTime(), "whole", zone.zone, { ready: true, days: false });
        if (plan.segments.some((segment) => segment.source === "hour")) hourPeaks++;
      }
      expect(hourPeaks).toBeGreaterThan(3);
      expect(clipped).toBeGreaterThan(0);

      // Several windows in one statement (a summary's period and the one before) read as each alone.
      const apart: { from: Date; to: Date }[] = [];
      for (const w of windows.toSorted((x, y) => x.from - y.from))
        if (apart.length === 0 || apart[apart.length - 1].to.getTime() <= w.from)
          apart.push({ from: new Date(w.from), to: new Date(w.to) });
      expect(apart.length).toBeGreaterThan(1);
      const spanGrid = priceGrid(priced.tariff, apart[0].from.getTime(), apart[apart.length - 1].to.getTime());
      const together = await wholeEnergies(connection.db, row, apart, spanGrid, true);
      for (const [i, { from, to }] of apart.entries()) {
        const alone = await wholeEnergy(connection.db, row, from, to, priceGrid(priced.tariff, from.getTime(), to.getTime()), true);
        const label = `window ${i} of ${apart.length}: together ${JSON.stringify(together[i])} alone ${JSON.stringify(alone)}`;
        expect(together[i] === undefined, label).toBe(alone === undefined);
        if (!alone) continue;
        for (const field of ["energyWh", "covered", "cost"] as const) expect(close(together[i]![field], alone[field]), label).toBe(true);
        expect([together[i]!.count, together[i]!.peakW, together[i]!.peakAt], label).toEqual([alone.count, alone.peakW, alone.peakAt]);
      }

      // The summary and the measure tool read the same with rollups as without.
      const actor = { db: connection.db, env, userId, homeId: userId, role: "owner" as const, origin: "http://wattboard.test" };
      const asked = cases
        .slice(0, 6)
        .map((c, i) => ({ period: (["day", "week", "month"] as const)[i % 3], at: c.from, from: c.from, to: c.to }));
      const answers = async () => {
        const answered = [];
        for (const { period, at, from, to } of asked) {
          answered.push((await call("GET", `/api/meters/${meter.id}/summary?period=${period}&at=${at}`, { token })).body);
          for (const quantity of ["energy", "cost", "peak", "average", "minimum"] as const)
            answered.push((await measure(actor, { meter: meter.id, quantity, from, to })).result);
        }
        return answered;
      };
      const rolledAnswers = await answers();
      await setReady(meter.id, false);
      const rawAnswers = await answers();
      await setReady(meter.id, true);
      expect(rolledAnswers).toEqual(rawAnswers);
      expect(rolledAnswers.filter((answer) => "peakKw" in answer && answer.peakKw !== null).length).toBeGreaterThan(0);
    });
  }
});
