import type { Actor } from "../actor";
import { type CsvLimit, type CsvRequest, csvText, openCsv } from "../csv-upload";
import { ApiError, notFound } from "../errors";
import { requireRole } from "../homes/policy";
import type { CreateTariffQuery, PriceUnit, Tariff, TariffDeleted, TariffList, TariffPrices, UpdateTariffBody } from "./contract";
import { type ParsedPrices, PriceCsvError, parsePriceCsv } from "./price-csv";
import * as stored from "./queries";

/** A year of 5-minute slots in the longest format is under 10 MB. */
export const MAX_TARIFF_CSV_BYTES = 10 * 1024 * 1024;
const MINUTE = 60_000;

const TARIFF_LIMIT: CsvLimit = { bytes: MAX_TARIFF_CSV_BYTES, advice: "split it into several tariffs" };

/** The body's whole text: 415 for another content type, 413 over the limit (declared or counted). */
async function wholeText(request: CsvRequest): Promise<string> {
  let text = "";
  for await (const chunk of csvText(openCsv(request, TARIFF_LIMIT))) text += chunk;
  return text;
}

/** The file's prices, or 400 naming the line and the reason; nothing is stored either way. */
async function parsedUpload(upload: CsvRequest, options: { unit?: PriceUnit; currency?: string }): Promise<ParsedPrices> {
  const text = await wholeText(upload);
  try {
    return parsePriceCsv(text, options);
  } catch (error) {
    if (error instanceof PriceCsvError) throw new ApiError(400, "invalid", `Line ${error.line}: ${error.message}`, { line: error.line });
    throw error;
  }
}

function tariffDto(row: stored.TariffSummaryRow, meters: { id: string; name: string }[]): Tariff {
  return {
    id: row.id,
    name: row.name,
    currency: row.currency,
    standingChargePerDay: row.standingChargePerDay,
    slotMinutes: row.slotMinutes,
    from: row.startsAt.toISOString(),
    to: new Date(row.startsAt.getTime() + row.slots * row.slotMinutes * MINUTE).toISOString(),
    slots: row.slots,
    minPrice: row.minPrice,
    maxPrice: row.maxPrice,
    meters,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The tariff as the API shows it; 404 for a missing or another user's tariff. */
async function requireTariff(actor: Actor, tariffId: string): Promise<Tariff> {
  const row = await stored.getTariffSummary(actor.db, actor.homeId, tariffId);
  if (!row) throw notFound("Tariff");
  return tariffDto(row, await stored.metersPaying(actor.db, actor.homeId, tariffId));
}

/** 404 unless the tariff is the person's: meters may only pay their owner's tariffs. */
export async function requireOwnTariff(actor: Actor, tariffId: string): Promise<void> {
  if (!(await stored.getTariffSummary(actor.db, actor.homeId, tariffId))) throw notFound("Tariff");
}

export async function listTariffs(actor: Actor): Promise<TariffList> {
  const rows = await stored.listTariffs(actor.db, actor.homeId);
  const paying = await stored.metersPayingImported(actor.db, actor.homeId);
  return {
    tariffs: rows.map((row) =>
      tariffDto(
        row,
        paying.filter((meter) => meter.tariffId === row.id).map(({ id, name }) => ({ id, name })),
      ),
    ),
  };
}

/** A new tariff from a price file; 400 with the line and reason for a bad file, and then nothing is stored. */
export async function createTariff(actor: Actor, query: CreateTariffQuery, upload: CsvRequest): Promise<Tariff> {
  requireRole(actor, "editor");
  const parsed = await parsedUpload(upload, { unit: query.unit, currency: query.currency });
  const id = await stored.createTariff(actor.db, actor.homeId, {
    name: query.name,
    currency: parsed.currency ?? query.currency ?? "GBP",
    standingChargePerDay: query.standingChargePerDay ?? null,
    startsAt: new Date(parsed.startsAt),
    slotMinutes: parsed.slotMinutes,
    prices: parsed.prices,
  });
  return requireTariff(actor, id);
}

/**
 * Replaces all prices at once, keeping the id (the meters that pay it go on paying it). The
 * tariff is looked up before the body is read, so another user's tariff answers 404 whatever the file.
 */
export async function replacePrices(actor: Actor, tariffId: string, unit: PriceUnit | undefined, upload: CsvRequest): Promise<Tariff> {
  requireRole(actor, "editor");
  const current = await requireTariff(actor, tariffId);
  const parsed = await parsedUpload(upload, { unit, currency: current.currency });
  const replaced = await stored.replacePrices(actor.db, actor.homeId, tariffId, {
    startsAt: new Date(parsed.startsAt),
    slotMinutes: parsed.slotMinutes,
    prices: parsed.prices,
  });
  if (!replaced) throw notFound("Tariff");
  return requireTariff(actor, tariffId);
}

/** The tariff with its prices, all or those of the slots that overlap [from, to). */
export async function getTariffPrices(actor: Actor, tariffId: string, window: { from?: string; to?: string }): Promise<TariffPrices> {
  const row = await stored.getTariffPrices(actor.db, actor.homeId, tariffId);
  if (!row) throw notFound("Tariff");
  const slotMs = row.slotMinutes * MINUTE;
  const start = row.startsAt.getTime();
  const from = window.from ? Date.parse(window.from) : start;
  const to = window.to ? Date.parse(window.to) : start + row.prices.length * slotMs;
  if (to < from) throw new ApiError(400, "invalid_request", "Invalid query string: to must not be before from");
  const first = Math.max(0, Math.floor((from - start) / slotMs));
  const last = Math.min(row.prices.length, Math.ceil((to - start) / slotMs));
  const prices = row.prices
    .slice(first, Math.max(first, last))
    .map((price, i) => ({ t: new Date(start + (first + i) * slotMs).toISOString(), price }));
  const summary = {
    ...row,
    slots: row.prices.length,
    minPrice: row.prices.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY),
    maxPrice: row.prices.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY),
  };
  return { ...tariffDto(summary, await stored.metersPaying(actor.db, actor.homeId, tariffId)), prices };
}

export async function updateTariff(actor: Actor, tariffId: string, changes: UpdateTariffBody): Promise<Tariff> {
  requireRole(actor, "editor");
  if (!(await stored.updateTariff(actor.db, actor.homeId, tariffId, changes))) throw notFound("Tariff");
  return requireTariff(actor, tariffId);
}

/** Deletes a tariff no meter pays; 409 naming the meters that do. */
export async function deleteTariff(actor: Actor, tariffId: string): Promise<TariffDeleted> {
  requireRole(actor, "editor");
  if (await stored.deleteUnusedTariff(actor.db, actor.homeId, tariffId)) return { deleted: true };
  const tariff = await requireTariff(actor, tariffId);
  // The last meter paying it moved to another tariff since the delete was tried.
  if (tariff.meters.length === 0 && (await stored.deleteUnusedTariff(actor.db, actor.homeId, tariffId))) return { deleted: true };
  throw new ApiError(
    409,
    "tariff_in_use",
    `"${tariff.name}" is the tariff of ${tariff.meters.map((m) => `"${m.name}"`).join(", ")}: give ${tariff.meters.length === 1 ? "it" : "them"} another tariff first`,
    { meters: tariff.meters },
  );
}
