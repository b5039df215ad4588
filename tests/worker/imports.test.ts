import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { connectDatabase } from "../../worker/db/client";
import type { InferenceJob } from "../../worker/runs/queue-job";
import haHistory from "../fixtures/csv/ha-history.csv?raw";
import hueKwh from "../fixtures/csv/hue-residential-1-2013-06-10-kwh.csv?raw";
import lclHousehold from "../fixtures/csv/lcl-MAC000002-2013-01-01.csv?raw";
import octopusExport from "../fixtures/csv/octopus-consumption.csv?raw";
import uciAverageW from "../fixtures/csv/uci-sceaux-2010-01-15-average-w.csv?raw";
import { type ApiResult, call, createMeter, signIn } from "./helpers";

/** Posts a CSV body as the meter page (or curl --data-binary) would. */
async function postCsv(token: string, path: string, csv: string, contentType = "text/csv"): Promise<ApiResult> {
  const response = await (exports as { default: Fetcher }).default.fetch(`http://wattboard.test${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": contentType },
    body: csv,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

interface StoredReading {
  ts: string;
  energy_wh: number | null;
  power_w: number | null;
}

async function storedReadings(meterId: string): Promise<StoredReading[]> {
  const connection = connectDatabase(env.DATABASE_URL!, env.DB_WS_PROXY);
  try {
    const result = await connection.db.$client.query("SELECT ts, energy_wh, power_w FROM readings WHERE meter_id = $1 ORDER BY ts", [
      meterId,
    ]);
    return result.rows.map((r) => ({ ts: new Date(r.ts).toISOString(), energy_wh: r.energy_wh, power_w: r.power_w }));
  } finally {
    await connection.close();
  }
}

async function meterFor(timezone = "Europe/London") {
  const user = await signIn();
  return { ...user, meter: await createMeter(user.token, { timezone }) };
}

const dataLines = (csv: string) => csv.trim().split("\n").slice(1);
/** Stored values equal the file's, up to float noise. */
function expectValues(stored: (number | null)[], expected: number[]) {
  expect(stored).toHaveLength(expected.length);
  for (const [i, value] of expected.entries()) expect(stored[i]).toBeCloseTo(value, 6);
}

describe("history import: each format from real data", () => {
  it("Low Carbon London: a household's day, value by value, at the end of each half hour (GMT)", async () => {
    const { token, meter } = await meterFor();
    const result = await postCsv(token, `/api/meters/${meter.id}/imports`, lclHousehold);
    expect(result.status).toBe(202);
    expect(result.body).toMatchObject({
      status: "done",
      format: "low_carbon_london",
      rowsRead: 48,
      rowsStored: 48,
      duplicates: 0,
      errors: [],
    });
    const stored = await storedReadings(meter.id);
    const expected = dataLines(lclHousehold).map((line) => {
      const [, tstp, kwh] = line.split(",");
      return { ts: `${tstp.replace(" ", "T")}.000Z`, energy_wh: Number(kwh.trim()) * 1000 };
    });
    expect(stored.map((r) => r.ts)).toEqual(expected.map((r) => r.ts));
    expectValues(
      stored.map((r) => r.energy_wh),
      expected.map((r) => r.energy_wh),
    );
    expect(stored[0]).toMatchObject({ ts: "2013-01-01T00:00:00.000Z", power_w: null });
    expect(stored[1].energy_wh).toBeCloseTo(241, 6);
  });

  it("UCI Sceaux as generic average W: wall-clock times in the meter's zone (Paris)", async () => {
    const { token, meter } = await meterFor("Europe/Paris");
    const result = await postCsv(token, `/api/meters/${meter.id}/imports?unit=average_w`, uciAverageW);
    expect(result.body).toMatchObject({ status: "done", format: "generic", unit: "average_w", rowsRead: 24, rowsStored: 24 });
    const stored = await storedReadings(meter.id);
    expect(stored).toHaveLength(24);
    // 2010-01-15 01:00 in Paris (UTC+1 in winter) is 00:00 UTC; Global_active_power 17.9300003052 minute-kW sums → 298.833 W.
    expect(stored[0]).toEqual({ ts: "2010-01-15T00:00:00.000Z", energy_wh: null, power_w: 298.833 });
    const rows = dataLines(uciAverageW).map((line) => line.split(","));
    expect(stored.map((r) => r.ts)).toEqual(
      rows.map(([wall]) => new Date(Date.parse(`${wall.replace(" ", "T")}Z`) - 3_600_000).toISOString()),
    );
    expectValues(
      stored.map((r) => r.power_w),
      rows.map(([, watts]) => Number(watts)),
    );
  });

  it("HUE as generic kWh per interval: Vancouver summer time", async () => {
    const { token, meter } = await meterFor("America/Vancouver");
    const result = await postCsv(token, `/api/meters/${meter.id}/imports?unit=kwh_per_interval`, hueKwh);
    expect(result.body).toMatchObject({ status: "done", rowsRead: 24, rowsStored: 24, errors: [] });
    const stored = await storedReadings(meter.id);
    // 2013-06-10T01:00 PDT (UTC-7) ends HUE's hour 0 of that day: 0.622 kWh.
    expect(stored[0]).toEqual({ ts: "2013-06-10T08:00:00.000Z", energy_wh: 622, power_w: null });
    expect(stored[23]).toEqual({ ts: "2013-06-11T07:00:00.000Z", energy_wh: 1413, power_w: null });
    expectValues(
      stored.map((r) => r.energy_wh),
      dataLines(hueKwh).map((line) => Number(line.split(",")[1]) * 1000),
    );
  });

  it("Octopus: each half hour stored at its End, across the end of British Summer Time", async () => {
    const { token, meter } = await meterFor();
    const result = await postCsv(token, `/api/meters/${meter.id}/imports`, octopusExport);
    expect(result.body).toMatchObject({ status: "done", format: "octopus", unit: "kwh_per_interval", rowsRead: 12, rowsStored: 12 });
    const stored = await storedReadings(meter.id);
    expect(stored.map((r) => [r.ts, r.energy_wh])).toEqual([
      ["2024-10-26T22:30:00.000Z", 181],
      ["2024-10-26T23:00:00.000Z", 185],
      ["2024-10-26T23:30:00.000Z", 199],
      ["2024-10-27T00:00:00.000Z", 174],
      ["2024-10-27T00:30:00.000Z", 167],
      ["2024-10-27T01:00:00.000Z", 112],
      ["2024-10-27T01:30:00.000Z", 123],
      ["2024-10-27T02:00:00.000Z", 103],
      ["2024-10-27T02:30:00.000Z", 122],
      ["2024-10-27T03:00:00.000Z", 103],
      ["2024-10-27T03:30:00.000Z", 121],
      ["2024-10-27T04:00:00.000Z", 103],
    ]);
  });

  it("Home Assistant: a cumulative register becomes energy per interval; unavailable, unknown and other entities are reported by line", async () => {
    const { token, meter } = await meterFor();
    const result = await postCsv(token, `/api/meters/${meter.id}/imports?unit=cumulative_kwh`, haHistory);
    expect(result.body).toMatchObject({ status: "done", format: "home_assistant", unit: "cumulative_kwh", rowsRead: 22, rowsStored: 15 });
    expect(result.body.errors).toEqual([
      { line: 7, message: 'state "unavailable" is not a number: skipped' },
      { line: 12, message: 'state "unknown" is not a number: skipped' },
      ...[20, 21, 22, 23].map((line) => ({
        line,
        message: "sensor.house_power is another series than sensor.house_energy: import it into its own meter",
      })),
    ]);
    const stored = await storedReadings(meter.id);
    // The first state is the starting point; at 06:00 the register was reset to 0 (a new meter).
    expect(stored.map((r) => r.ts.slice(11, 16))).toEqual([
      "00:30",
      "01:00",
      "01:30",
      "02:00",
      "02:30",
      "03:00",
      "03:30",
      "04:00",
      "04:30",
      "05:00",
      "05:30",
      "06:00",
      "06:30",
      "07:00",
      "07:30",
    ]);
    expectValues(
      stored.map((r) => r.energy_wh),
      [211, 347, 280, 261, 229, 258, 125, 116, 105, 102, 115, 0, 124, 73, 124],
    );

    const power = await meterFor();
    const powerImport = await postCsv(
      power.token,
      `/api/meters/${power.meter.id}/imports?unit=average_w&series=sensor.house_power`,
      haHistory,
    );
    expect(powerImport.body).toMatchObject({ status: "done", rowsStored: 4 });
    expect((await storedReadings(power.meter.id)).map((r) => r.power_w)).toEqual([392, 478, 470, 390]);
  });
});

describe("history import: rules", () => {
  it("reports bad rows by line and stores the good ones; a file with no good row fails", async () => {
    const { token, meter } = await meterFor("UTC");
    const csv = [
      "LCLid,stdorToU,DateTime,KWH/hh (per half hour) ",
      "MAC000150,Std,2013-02-01 00:30:00.0000000, 0.25 ",
      "MAC000150,Std,2013-02-01 01:00:00.0000000,Null",
      "MAC000150,Std,2013-02-01 01:30:00.0000000, -0.1 ",
      "MAC000150,Std,not a time, 0.1 ",
      "MAC000150,Std,2013-02-01 02:30:00.0000000, 0.5 ",
    ].join("\r\n");
    const result = await postCsv(token, `/api/meters/${meter.id}/imports`, csv);
    expect(result.body).toMatchObject({ status: "done", rowsRead: 5, rowsStored: 2, failure: null });
    expect(result.body.errors.map((e: { line: number }) => e.line)).toEqual([3, 4, 5]);
    expect(result.body.errors[0].message).toBe('value "Null" is not a number: skipped');
    expect((await storedReadings(meter.id)).map((r) => r.energy_wh)).toEqual([250, 500]);

    const none = await postCsv(
      token,
      `/api/meters/${meter.id}/imports?unit=kwh_per_interval`,
      "timestamp,value\nyesterday,1\n2024-01-01T00:00:00Z,lots\n",
    );
    expect(none.status).toBe(202);
    expect(none.body).toMatchObject({ status: "failed", rowsRead: 2, rowsStored: 0 });
    expect(none.body.failure).toBe("None of the 2 rows could be imported: see the errors by line.");
    expect(none.body.errors.map((e: { line: number }) => e.line)).toEqual([2, 3]);
    const empty = await postCsv(token, `/api/meters/${meter.id}/imports?unit=kwh_per_interval`, "timestamp,value\n");
    expect(empty.body).toMatchObject({ status: "failed", failure: "The file has a header but no rows." });
  });

  it("an upload cut off midway (a tab closed) keeps what arrived, ends failed, and importing the file again completes it", async () => {
    const { token, meter } = await meterFor();
    const firstPart = `${lclHousehold.split("\n").slice(0, 11).join("\n")}\n`;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(firstPart));
        controller.close();
      },
    });
    const cut = await (exports as { default: Fetcher }).default.fetch(`http://wattboard.test/api/meters/${meter.id}/imports`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "text/csv", "Content-Length": String(lclHousehold.length) },
      body,
    });
    expect(cut.status).toBe(202);
    const job = await cut.json<{ status: string; rowsRead: number; rowsStored: number; failure: string }>();
    expect(job).toMatchObject({ status: "failed", rowsRead: 10, rowsStored: 10 });
    expect(job.failure).toBe(
      "The upload was interrupted after 10 rows. Import the same file again: rows already stored count as duplicates.",
    );
    const again = await postCsv(token, `/api/meters/${meter.id}/imports`, lclHousehold);
    expect(again.body).toMatchObject({ status: "done", rowsStored: 38, duplicates: 10 });
  });

  it("a job left running by a stopped Worker reads as failed once it has not moved for five minutes", async () => {
    const { token, meter } = await meterFor();
    const job = await postCsv(token, `/api/meters/${meter.id}/imports`, octopusExport);
    const connection = connectDatabase(env.DATABASE_URL!, env.DB_WS_PROXY);
    try {
      await connection.db.$client.query(
        "UPDATE reading_imports SET status = 'running', updated_at = now() - interval '6 minutes' WHERE id = $1",
        [job.body.id],
      );
    } finally {
      await connection.close();
    }
    const stalled = await call("GET", `/api/imports/${job.body.id}`, { token });
    expect(stalled.body).toMatchObject({ status: "failed", rowsStored: 12 });
    expect(stalled.body.failure).toContain("Import the same file again");
  });

  it("importing the same file twice stores nothing new", async () => {
    const { token, meter } = await meterFor();
    await postCsv(token, `/api/meters/${meter.id}/imports`, lclHousehold);
    const again = await postCsv(token, `/api/meters/${meter.id}/imports`, lclHousehold);
    expect(again.body).toMatchObject({ status: "done", rowsRead: 48, rowsStored: 0, duplicates: 48 });
    expect(await storedReadings(meter.id)).toHaveLength(48);
    const list = await call("GET", `/api/meters/${meter.id}/imports`, { token });
    expect(list.body.imports.map((j: { rowsStored: number }) => j.rowsStored)).toEqual([0, 48]);
    const job = await call("GET", `/api/imports/${again.body.id}`, { token });
    expect(job.body).toEqual(again.body);
  });

  it("refuses before writing: an unknown header (naming the formats), a missing unit, another content type", async () => {
    const { token, meter } = await meterFor();
    const unknown = await postCsv(token, `/api/meters/${meter.id}/imports`, "date,hour,energy_kWh\n6/1/2012,1,1.011\n");
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe("unknown_format");
    expect(unknown.body.error.message).toContain("Consumption (kWh), Start, End");
    const noUnit = await postCsv(token, `/api/meters/${meter.id}/imports`, hueKwh);
    expect(noUnit.status).toBe(400);
    expect(noUnit.body.error.code).toBe("unit_required");
    expect((await postCsv(token, `/api/meters/${meter.id}/imports`, hueKwh, "application/json")).status).toBe(415);
    expect((await postCsv(token, `/api/meters/${meter.id}/imports?unit=joules`, hueKwh)).status).toBe(400);
    expect((await call("GET", `/api/meters/${meter.id}/imports`, { token })).body.imports).toEqual([]);
    expect(await storedReadings(meter.id)).toEqual([]);
  });

  it("another user's meter and import answer 404", async () => {
    const { token, meter } = await meterFor();
    const job = await postCsv(token, `/api/meters/${meter.id}/imports`, octopusExport);
    const stranger = await signIn("stranger");
    expect((await call("GET", `/api/imports/${job.body.id}`, { token: stranger.token })).status).toBe(404);
    expect((await call("GET", `/api/meters/${meter.id}/imports`, { token: stranger.token })).status).toBe(404);
    expect((await postCsv(stranger.token, `/api/meters/${meter.id}/imports`, octopusExport)).status).toBe(404);
    expect((await postCsv(stranger.token, `/api/meters/${meter.id}/imports/preview`, octopusExport)).status).toBe(404);
    expect((await call("GET", "/api/imports/not-an-id", { token })).status).toBe(404);
    expect((await call("GET", `/api/imports/${job.body.id}`)).status).toBe(401);
  });
});

describe("history import: preview", () => {
  it("shows the format, the mapping and the first rows as stored, and writes nothing", async () => {
    const { token, meter } = await meterFor();
    const preview = await postCsv(token, `/api/meters/${meter.id}/imports/preview`, lclHousehold);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      format: "low_carbon_london",
      label: "Low Carbon London smart-meter trial",
      unit: "kwh_per_interval",
      units: [],
      timezone: "Europe/London",
      series: ["MAC000002"],
      errors: [],
    });
    expect(preview.body.mapping).toContain("end of the half hour");
    expect(preview.body.rows).toHaveLength(20);
    expect(preview.body.rows[1]).toEqual({ line: 3, reading: { ts: "2013-01-01T00:30:00.000Z", energy_wh: 241 } });
    expect(await storedReadings(meter.id)).toEqual([]);
    expect((await call("GET", `/api/meters/${meter.id}/imports`, { token })).body.imports).toEqual([]);
  });

  it("asks for a unit where the file does not say, and names the formats for an unknown header", async () => {
    const { token, meter } = await meterFor();
    const generic = await postCsv(token, `/api/meters/${meter.id}/imports/preview`, hueKwh);
    expect(generic.body).toMatchObject({
      format: "generic",
      unit: null,
      units: ["kwh_per_interval", "average_w", "cumulative_kwh"],
      rows: [],
    });
    const chosen = await postCsv(token, `/api/meters/${meter.id}/imports/preview?unit=cumulative_kwh`, hueKwh);
    // The wrong unit shows in the preview: hourly kWh read as a register make 0.622 → 0.575 a "reset".
    // Read as a register: 0.622 → 0.575 kWh is a dip within 10 %, noise (0 Wh, never negative); 0.575 → 0.646 is 71 Wh.
    expect(chosen.body.rows[0]).toEqual({ line: 3, reading: { ts: "2013-06-10T01:00:00.000Z", energy_wh: 0 } });
    expect(chosen.body.rows[1].reading.energy_wh).toBeCloseTo(71, 6);
    const unknown = await postCsv(token, `/api/meters/${meter.id}/imports/preview`, "a,b,c\n1,2,3\n");
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain("entity_id,state,last_changed");
  });
});

describe("history import: chunks, model run and live progress", () => {
  it("stores a file of several chunks and queues one model run at the end, not one per chunk", async () => {
    const { meter, token, userId } = await meterFor("UTC");
    const start = Date.parse("2024-03-01T00:00:00Z");
    const rows = Array.from({ length: 12_001 }, (_, i) => `${new Date(start + (i + 1) * 60_000).toISOString()},${(i % 50) * 10}`);
    const sent: InferenceJob[] = [];
    const waits: Promise<unknown>[] = [];
    const response = await createApp().fetch(
      new Request(`http://wattboard.test/api/meters/${meter.id}/imports?unit=average_w`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "text/csv; charset=utf-8" },
        body: `timestamp,value\n${rows.join("\n")}\n`,
      }),
      { ...env, INFERENCE_QUEUE: { send: async (job: InferenceJob) => void sent.push(job) } as unknown as Queue<InferenceJob> },
      { waitUntil: (p: Promise<unknown>) => waits.push(p), passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext,
    );
    await Promise.all(waits);
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: "done", rowsRead: 12_001, rowsStored: 12_001 });
    expect(sent).toEqual([{ meterId: meter.id, userId, newestTs: new Date(start + 12_001 * 60_000).toISOString(), trigger: "auto" }]);
  });

  it("publishes the job's start and end to the owner's open sockets", async () => {
    const { token, meter } = await meterFor();
    const { body } = await call("POST", "/api/ws/ticket", { token });
    const upgrade = await (exports as { default: Fetcher }).default.fetch(
      `http://wattboard.test/api/ws?ticket=${encodeURIComponent(body.ticket)}`,
      {
        headers: { Upgrade: "websocket" },
      },
    );
    const socket = upgrade.webSocket!;
    socket.accept();
    const messages: { type: string; payload: any }[] = [];
    socket.addEventListener("message", (event) => {
      messages.push(JSON.parse(event.data as string));
    });
    const job = await postCsv(token, `/api/meters/${meter.id}/imports`, lclHousehold);
    await expect.poll(() => messages.find((m) => m.type === "import.finished")).toBeDefined();
    const started = messages.find((m) => m.type === "import.progress");
    expect(started?.payload).toMatchObject({ id: job.body.id, meterId: meter.id, status: "running", rowsRead: 0 });
    expect(messages.find((m) => m.type === "import.finished")?.payload).toEqual(job.body);
    socket.close(1000);
  });
});
