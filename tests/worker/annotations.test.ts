import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { describeTools } from "../../worker/chat/tools/catalog";
import { findTool } from "../../worker/chat/tools/registry";
import { connectDatabase } from "../../worker/db/client";
import { findMeterById } from "../../worker/meters/queries";
import { insertModelRun } from "../../worker/runs/queries";
import { runModel } from "../../worker/runs/run-model";
import { call, createMeter, ownChartSpec, postReadings, signIn, toolContext } from "./helpers";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const connection = connectDatabase(env.DATABASE_URL!, env.DB_WS_PROXY);

const annotate = (token: string, body: Record<string, unknown>) => call("POST", "/api/annotations", { token, body });
const failingPaths = (result: { body: { error: { details?: { path: string }[] } } }) =>
  (result.body.error.details ?? []).map((d) => d.path);

describe("annotations: API", () => {
  it("adds a note at a moment and an away range, lists them by meter and window, changes and deletes one", async () => {
    const { token, userId } = await signIn("notes");
    const site = await createMeter(token, { name: "Flat" });
    const note = await annotate(token, { meterId: site.id, text: "Heat pump installed", startsAt: "2026-11-14T09:00:00Z" });
    expect(note.status).toBe(201);
    expect(note.body).toMatchObject({
      meterId: site.id,
      meterName: "Flat",
      kind: "note",
      text: "Heat pump installed",
      startsAt: "2026-11-14T09:00:00.000Z",
      endsAt: null,
      createdBy: userId,
    });
    const away = await annotate(token, {
      meterId: site.id,
      kind: "away",
      text: "  Away  ",
      startsAt: "2026-11-10T00:00:00Z",
      endsAt: "2026-11-18T00:00:00Z",
    });
    expect(away.status).toBe(201);
    expect(away.body).toMatchObject({ kind: "away", text: "Away", endsAt: "2026-11-18T00:00:00.000Z" });

    const all = await call("GET", `/api/annotations?meterId=${site.id}`, { token });
    expect(all.body.annotations.map((a: { text: string }) => a.text)).toEqual(["Away", "Heat pump installed"]);
    // A window keeps what overlaps it: the range still runs on 15 November, the note is later than its end.
    const window = await call("GET", `/api/annotations?meterId=${site.id}&from=2026-11-12T00:00:00Z&to=2026-11-14T00:00:00Z`, { token });
    expect(window.body.annotations.map((a: { id: string }) => a.id)).toEqual([away.body.id]);

    const changed = await call("PATCH", `/api/annotations/${note.body.id}`, {
      token,
      body: { text: "Heat pump fitted", endsAt: "2026-11-14T12:00:00Z" },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      text: "Heat pump fitted",
      startsAt: "2026-11-14T09:00:00.000Z",
      endsAt: "2026-11-14T12:00:00.000Z",
    });
    expect((await call("PATCH", `/api/annotations/${note.body.id}`, { token, body: { endsAt: null } })).body.endsAt).toBeNull();
    expect((await call("GET", `/api/annotations/${note.body.id}`, { token })).body.text).toBe("Heat pump fitted");

    expect((await call("DELETE", `/api/annotations/${note.body.id}`, { token })).body).toEqual({ deleted: true });
    expect((await call("GET", `/api/annotations/${note.body.id}`, { token })).status).toBe(404);
    expect((await call("DELETE", `/api/annotations/${note.body.id}`, { token })).status).toBe(404);
  });

  it("a meter's charts get its site's and its devices' notes too, each naming its meter", async () => {
    const { token } = await signIn("notes");
    const site = await createMeter(token, { name: "Flat" });
    const pump = await createMeter(token, { name: "Heat pump", kind: "device", parentId: site.id });
    const garage = await createMeter(token, { name: "Garage", kind: "device", parentId: site.id });
    await annotate(token, {
      meterId: site.id,
      kind: "away",
      text: "Away",
      startsAt: "2026-11-10T00:00:00Z",
      endsAt: "2026-11-12T00:00:00Z",
    });
    await annotate(token, { meterId: pump.id, text: "Pump serviced", startsAt: "2026-11-13T00:00:00Z" });
    await annotate(token, { meterId: garage.id, text: "New charger", startsAt: "2026-11-14T00:00:00Z" });
    const names = async (meterId: string) =>
      (await call("GET", `/api/annotations?meterId=${meterId}`, { token })).body.annotations.map(
        (a: { meterName: string; text: string }) => `${a.meterName}: ${a.text}`,
      );
    expect(await names(site.id)).toEqual(["Flat: Away", "Heat pump: Pump serviced", "Garage: New charger"]);
    expect(await names(pump.id)).toEqual(["Flat: Away", "Heat pump: Pump serviced"]);
  });

  it("a range that ends before it starts, spans more than a year, or an away without an end: 400 naming the field", async () => {
    const { token } = await signIn("notes");
    const meter = await createMeter(token);
    const backwards = await annotate(token, {
      meterId: meter.id,
      text: "x",
      startsAt: "2026-11-17T00:00:00Z",
      endsAt: "2026-11-10T00:00:00Z",
    });
    expect(backwards.status).toBe(400);
    expect(failingPaths(backwards)).toEqual(["endsAt"]);
    expect(backwards.body.error.message).toContain("endsAt: must be later than startsAt");
    const long = await annotate(token, { meterId: meter.id, text: "x", startsAt: "2025-01-01T00:00:00Z", endsAt: "2026-01-03T00:00:00Z" });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toContain("endsAt: a range may span at most a year");
    const open = await annotate(token, { meterId: meter.id, kind: "away", text: "Away", startsAt: "2026-11-10T00:00:00Z" });
    expect(failingPaths(open)).toEqual(["endsAt"]);
    expect(failingPaths(await annotate(token, { meterId: meter.id, text: "", startsAt: "2026-11-10T00:00:00Z" }))).toEqual(["text"]);
    expect(failingPaths(await annotate(token, { meterId: meter.id, text: "x", startsAt: "yesterday" }))).toEqual(["startsAt"]);
    expect(
      failingPaths(await annotate(token, { meterId: meter.id, kind: "holiday", text: "x", startsAt: "2026-11-10T00:00:00Z" })),
    ).toEqual(["kind"]);
    // A change is judged with what is stored: moving the start past the stored end is the same 400.
    const range = (
      await annotate(token, { meterId: meter.id, text: "Builders in", startsAt: "2026-11-10T00:00:00Z", endsAt: "2026-11-12T00:00:00Z" })
    ).body;
    const moved = await call("PATCH", `/api/annotations/${range.id}`, { token, body: { startsAt: "2026-11-13T00:00:00Z" } });
    expect(moved.status).toBe(400);
    expect(failingPaths(moved)).toEqual(["endsAt"]);
    const away = await call("PATCH", `/api/annotations/${range.id}`, { token, body: { kind: "away", endsAt: null } });
    expect(failingPaths(away)).toEqual(["endsAt"]);
    const window = await call("GET", `/api/annotations?meterId=${meter.id}&from=2026-11-12T00:00:00Z&to=2026-11-10T00:00:00Z`, { token });
    expect(failingPaths(window)).toEqual(["to"]);
  });

  it("another user's meter or annotation is a 404, like a missing one", async () => {
    const owner = await signIn("owner");
    const meter = await createMeter(owner.token);
    const note = (await annotate(owner.token, { meterId: meter.id, text: "Mine", startsAt: "2026-11-10T00:00:00Z" })).body;
    const intruder = await signIn("intruder");
    const missing = crypto.randomUUID();
    expect((await annotate(intruder.token, { meterId: meter.id, text: "x", startsAt: "2026-11-10T00:00:00Z" })).status).toBe(404);
    expect((await call("GET", `/api/annotations?meterId=${meter.id}`, { token: intruder.token })).status).toBe(404);
    for (const id of [note.id, missing]) {
      const read = await call("GET", `/api/annotations/${id}`, { token: intruder.token });
      expect(read.status).toBe(404);
      expect(read.body.error.message).toBe("Annotation not found");
      expect((await call("PATCH", `/api/annotations/${id}`, { token: intruder.token, body: { text: "Taken" } })).status).toBe(404);
      expect((await call("DELETE", `/api/annotations/${id}`, { token: intruder.token })).status).toBe(404);
    }
    expect((await call("GET", `/api/annotations/${note.id}`, { token: owner.token })).body.text).toBe("Mine");
  });
});

describe("annotations: public shares", () => {
  it("a shared chart shows its meter's notes only when the owner chose to, without ids", async () => {
    const { token } = await signIn("notes");
    const spec = await ownChartSpec(token);
    const tab = (await call("POST", "/api/tabs", { token, body: { title: "Home" } })).body.id as string;
    const chart = (await call("POST", "/api/charts", { token, body: { tabId: tab, title: "Power", spec } })).body;
    const at = new Date(Date.now() - 2 * HOUR).toISOString();
    const note = (await annotate(token, { meterId: spec.meterIds[0], text: "Kettle test", startsAt: at })).body;
    const plain = (await call("POST", "/api/shares", { token, body: { kind: "chart", id: chart.id } })).body;
    expect(plain.showAnnotations).toBe(false);
    const hidden = await call("GET", `/api/public/shares/${plain.token}`);
    expect(hidden.body.charts[0].annotations).toBeUndefined();
    const shown = (await call("POST", "/api/shares", { token, body: { kind: "chart", id: chart.id, showAnnotations: true, renew: true } }))
      .body;
    expect(shown.showAnnotations).toBe(true);
    const opened = await call("GET", `/api/public/shares/${shown.token}`);
    expect(opened.body.charts[0].annotations).toEqual([
      { meterName: "Chart meter", kind: "note", text: "Kettle test", startsAt: new Date(at).toISOString(), endsAt: null },
    ]);
    expect(JSON.stringify(opened.body)).not.toContain(note.id);
  });
});

describe("annotations: the chat tool", () => {
  it("add_annotation takes the meter by name and calls the route's operation; a bad range is refused by its schema", async () => {
    const { token, userId } = await signIn("notes");
    const site = await createMeter(token, { name: "London flat" });
    const tool = findTool("add_annotation")!;
    expect(describeTools().find((t) => t.name === "add_annotation")?.risk).toBe("write");
    const context = toolContext(connection.db, userId, { sessionTitle: "Notes" });
    const input = tool.input.parse({
      meter: "london flat",
      kind: "away",
      text: "Away",
      startsAt: "2026-11-10T00:00:00Z",
      endsAt: "2026-11-18T00:00:00Z",
    });
    const made = await tool.run(context, input);
    expect(made.summary).toBe(
      "Marked London flat as away from 10 Nov 2026 to 18 Nov 2026: the charts show it, and the next forecast leaves those days out of its history.",
    );
    const listed = (await call("GET", `/api/annotations?meterId=${site.id}`, { token })).body.annotations;
    expect(listed).toMatchObject([{ kind: "away", text: "Away", createdBy: userId }]);
    const note = await tool.run(
      context,
      tool.input.parse({ meter: site.id, text: "Heat pump installed", startsAt: "2026-11-14T09:30:00Z" }),
    );
    expect(note.summary).toBe("Noted on London flat at 14 Nov 2026, 09:30: “Heat pump installed”. The charts show it.");
    const refused = tool.input.safeParse({ meter: site.id, text: "x", startsAt: "2026-11-18T00:00:00Z", endsAt: "2026-11-10T00:00:00Z" });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0].path).toEqual(["endsAt"]);
  });

  it("the offline chat writes 'we were away from the 10th to the 17th' on the site", async () => {
    const { token } = await signIn("notes");
    const site = await createMeter(token, { name: "Flat", timezone: "Europe/London" });
    // An agent allowed to write notes, so the turn does not wait for the person's yes.
    const agent = (await call("POST", "/api/agents", { token, body: { name: "Notes", permissions: { add_annotation: "allow" } } })).body;
    const session = (await call("POST", "/api/chat/sessions", { token, body: { title: "Notes" } })).body;
    const sent = await call("POST", `/api/chat/sessions/${session.id}/messages`, {
      token,
      body: { text: "we were away from the 10th to the 17th", agentId: agent.id },
    });
    expect(sent.body.toolCalls[0]).toMatchObject({ tool: "add_annotation", decision: "allow", error: null });
    const listed = (await call("GET", `/api/annotations?meterId=${site.id}`, { token })).body.annotations;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ kind: "away", text: "Away" });
    expect(Date.parse(listed[0].endsAt) - Date.parse(listed[0].startsAt)).toBe(8 * DAY);
  });
});

/** Hourly energy with an evening peak for `days`, ending at `end` (three hours ago: no automatic run picks it up). */
function history(days: number, end: number) {
  return Array.from({ length: days * 24 }, (_, i) => {
    const ts = end - (days * 24 - 1 - i) * HOUR;
    const hour = new Date(ts - HOUR).getUTCHours();
    const kwh = 0.3 + (hour >= 17 && hour <= 21 ? 1.2 : 0);
    return { ts: new Date(ts).toISOString(), energy_wh: kwh * 1000, power_w: kwh * 1000 };
  });
}

async function meterWithHistory(days: number) {
  const user = await signIn("away");
  const meter = await createMeter(user.token, { timezone: "UTC" });
  await postReadings(meter.id, meter.webhook.secret, { readings: history(days, Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR) });
  const row = (await findMeterById(connection.db, meter.id))!;
  // The run's history ends at the newest reading's hour.
  const start = Math.floor(row.lastReadingAt!.getTime() / HOUR) * HOUR;
  return { ...user, meter, row, start };
}

describe("annotations: away ranges and the forecast", () => {
  it("hours marked away are left out of the run's history, and its explanation says so", async () => {
    const { token, meter, start } = await meterWithHistory(8);
    const before = (await call("POST", `/api/meters/${meter.id}/runs`, { token })).body;
    expect(before.figures.historyHoursWithData).toBe(168);
    expect(before.figures.awayHoursLeftOut).toBeUndefined();
    expect(before.explanation).not.toContain("marked away");
    await annotate(token, {
      meterId: meter.id,
      kind: "away",
      text: "Away",
      startsAt: new Date(start - 5 * DAY).toISOString(),
      endsAt: new Date(start - 2 * DAY).toISOString(),
    });
    // A note is not an absence: it leaves the history alone.
    await annotate(token, { meterId: meter.id, text: "Heat pump installed", startsAt: new Date(start - DAY).toISOString() });
    const after = await call("POST", `/api/meters/${meter.id}/runs`, { token });
    expect(after.status).toBe(201);
    expect(after.body.figures).toMatchObject({ historyHoursWithData: 168 - 72, awayHoursLeftOut: 72 });
    expect(after.body.explanation).toContain(
      "3 days marked away were left out of the recent history the forecast learns from and of the unusual-day check.",
    );
  });

  it("an away range on the site applies to its devices' runs too", async () => {
    const { token, meter, start } = await meterWithHistory(8);
    const device = await createMeter(token, { name: "Heat pump", kind: "device", parentId: meter.id, timezone: "UTC" });
    await postReadings(device.id, device.webhook.secret, { readings: history(8, start) });
    await annotate(token, {
      meterId: meter.id,
      kind: "away",
      text: "Away",
      startsAt: new Date(start - 30 * HOUR).toISOString(),
      endsAt: new Date(start - 6 * HOUR).toISOString(),
    });
    const ran = await call("POST", `/api/meters/${device.id}/runs`, { token });
    expect(ran.status).toBe(201);
    expect(ran.body.figures.awayHoursLeftOut).toBe(24);
    expect(ran.body.explanation).toContain("1 day marked away was left out");
  });

  it("the unusual-day finding ignores hours marked away", async () => {
    const { token, userId, meter, row, start } = await meterWithHistory(8);
    // The previous run forecast 5 kWh an hour for the last 24 hours; the meter used far less.
    await insertModelRun(connection.db, {
      meterId: meter.id,
      ownerId: userId,
      trigger: "manual",
      modelVersion: "test",
      inputFrom: new Date(start - 192 * HOUR),
      inputTo: new Date(start - 24 * HOUR),
      forecastKwh: Array(24).fill(5),
      plan: [],
      figures: {
        expectedCost: 1,
        baselineCost: 1,
        savings: 0,
        peakKw: 5,
        baselinePeakKw: 5,
        forecastKwh: 120,
        currency: "GBP",
        defaultTariff: true,
        historyHoursWithData: 168,
      },
      findings: [],
      createdAt: new Date(start - 24 * HOUR),
    });
    const kinds = async () => {
      const outcome = await runModel(connection.db, row, "manual");
      if (outcome.status !== "ran") throw new Error(`no run: ${outcome.status}`);
      return outcome.run.findings.map((finding) => finding.kind);
    };
    expect(await kinds()).toContain("consumption_anomaly");
    await annotate(token, {
      meterId: meter.id,
      kind: "away",
      text: "Away",
      startsAt: new Date(start - 24 * HOUR).toISOString(),
      endsAt: new Date(start).toISOString(),
    });
    expect(await kinds()).not.toContain("consumption_anomaly");
  });
});
