import { userHub } from "../../durable-objects/user-hub/stub";
import type { Actor } from "../actor";
import { type CsvLimit, type CsvRequest, type CsvUpload, csvText, openCsv } from "../csv-upload";
import { ApiError, isDatabaseUnavailable, notFound } from "../errors";
import { requireRole } from "../homes/policy";
import type { MeterRow } from "../meters/queries";
import { requireMeter } from "../meters/service";
import type { Reading } from "./contract";
import { type DetectedFormat, describeMapping, detectFormat, LineSplitter, RowParser, unknownHeaderMessage } from "./csv-formats";
import {
  IMPORT_FINISHED_EVENT,
  IMPORT_PROGRESS_EVENT,
  type ImportJob,
  type ImportJobList,
  type ImportPreview,
  type ImportQuery,
  type ImportRowError,
  type ImportUnit,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_ERRORS,
  MAX_PREVIEW_BYTES,
} from "./import-contract";
import * as stored from "./import-queries";
import { announceReadings, type StoredReadings, storeReadings } from "./ingest";

/**
 * History import: a CSV file, streamed, becomes readings through the one ingest path.
 *
 * How the job survives a closed tab. A Worker can read a request's body only while the request is
 * open: measured in workerd (miniflare 4, a 60 MB body), answering 202 first and reading on in
 * waitUntil fails after the first 4 kB with "Can't read from request stream after response has been
 * sent", and in production waitUntil is cut off 30 s after the answer anyway. So the body is read to
 * its end inside the request, storing every few thousand rows as they arrive (a year of minute rows
 * stores at about 85 % of the speed of plain multi-row INSERTs: bench/imports.bench.ts), and the answer (202 with the
 * finished job) comes once the file is in. The whole job is also handed to waitUntil, so a tab closed
 * once the upload is over still lets the last chunk and the final status be written. The state lives
 * in reading_imports and goes to every socket of the owner, so any tab can follow or find it
 * (GET /api/meters/{id}/imports). What cannot survive: a tab closed DURING the upload, since the
 * rest of the file never reaches the server (workerd then fails the read with "Network connection
 * lost"; a body shorter than its Content-Length counts the same). What arrived is stored, the job
 * ends failed saying so (or, if the Worker itself was
 * stopped, reads as failed once it has not moved for STALLED_AFTER_MS), and importing the same file
 * again completes it: rows already stored count as duplicates.
 */

/** Rows per insert: one statement per chunk keeps Postgres busy while the next chunk is parsed. */
export const IMPORT_CHUNK_ROWS = 5_000;
/** Progress is written and published at most this often (and once at the end). */
const PROGRESS_EVERY_MS = 1_000;
/** A running job that has not moved for this long was cut off (the upload or the Worker stopped). */
const STALLED_AFTER_MS = 5 * 60_000;
const PREVIEW_ROWS = 20;
const RECENT_IMPORTS = 20;

const IMPORT_LIMIT: CsvLimit = { bytes: MAX_IMPORT_BYTES, advice: "split it and import the parts" };

/** The request's CSV body as an import upload (415, 413 or 400 when it cannot be one). */
export const csvBody = (request: CsvRequest): CsvUpload => openCsv(request, IMPORT_LIMIT);

interface NumberedLine {
  line: string;
  number: number;
}

/** The body's numbered lines; a preview stops at its first 64 kB and leaves out the last, probably cut, line. */
async function* csvLines(upload: CsvUpload, mode: "preview" | "import"): AsyncGenerator<NumberedLine> {
  const lines = new LineSplitter();
  const text = csvText(upload, mode === "preview" ? MAX_PREVIEW_BYTES : undefined);
  let chunk = await text.next();
  try {
    for (; !chunk.done; chunk = await text.next()) yield* lines.push(chunk.value);
    if (chunk.value === "whole") yield* lines.end();
  } finally {
    await text.return("cut");
  }
}

interface OpenedFile {
  detected: DetectedFormat;
  unit: ImportUnit | null;
  lines: AsyncGenerator<NumberedLine>;
}

/** Reads the header line: 400 for an empty file or a header no format has. */
async function openFile(lines: AsyncGenerator<NumberedLine>, query: ImportQuery): Promise<OpenedFile> {
  try {
    const first = await lines.next();
    if (first.done || first.value.line.trim() === "")
      throw new ApiError(400, "empty_file", "The file is empty: its first line must be a header");
    const detected = detectFormat(first.value.line);
    if (!detected) throw new ApiError(400, "unknown_format", unknownHeaderMessage(first.value.line));
    return { detected, unit: detected.definition.unit ?? query.unit ?? null, lines };
  } catch (error) {
    // The rest of the body is not wanted.
    await lines.return(undefined);
    throw error;
  }
}

function unitRequired(detected: DetectedFormat): ApiError {
  const { label, units } = detected.definition;
  return new ApiError(400, "unit_required", `${label} files do not say what their values are: add ?unit= with one of ${units.join(", ")}`);
}

/**
 * What the file would become, from its first 64 kB: nothing is written. The upload is opened only once the meter
 * is known to be the person's, so another user's meter answers 404 whatever the body.
 */
export async function previewImport(actor: Actor, meterId: string, upload: () => CsvUpload, query: ImportQuery): Promise<ImportPreview> {
  const meter = await requireMeter(actor.db, actor.homeId, meterId);
  const { detected, unit, lines } = await openFile(csvLines(upload(), "preview"), query);
  const { definition } = detected;
  const preview: ImportPreview = {
    format: definition.format,
    label: definition.label,
    unit,
    units: definition.units,
    mapping: unit ? describeMapping(definition.format, unit) : `Choose what the values are (?unit=${definition.units.join("|")})`,
    timezone: meter.timezone,
    series: [],
    rows: [],
    errors: [],
  };
  if (!unit) {
    await lines.return(undefined);
    return preview;
  }
  const rows = new RowParser(detected, { unit, timeZone: meter.timezone, series: query.series });
  for await (const { line, number } of lines) {
    const result = rows.parse(line);
    if ("reading" in result && preview.rows.length < PREVIEW_ROWS) preview.rows.push({ line: number, reading: result.reading });
    if ("error" in result && preview.errors.length < PREVIEW_ROWS) preview.errors.push({ line: number, message: result.error });
  }
  preview.series = rows.seriesSeen;
  return preview;
}

/** The import job as the API shows it; a job that stopped moving long ago reads as failed. */
function importDto(row: stored.ImportRow, now = Date.now()): ImportJob {
  const stalled = row.status === "running" && now - row.updatedAt.getTime() > STALLED_AFTER_MS;
  return {
    id: row.id,
    meterId: row.meterId,
    format: row.format as ImportJob["format"],
    unit: row.unit as ImportUnit | null,
    status: stalled ? "failed" : row.status,
    rowsRead: row.rowsRead,
    rowsStored: row.rowsStored,
    duplicates: row.duplicates,
    errors: row.errors,
    failure: stalled
      ? `The import stopped after ${row.rowsRead} rows (the upload or the server was interrupted). Import the same file again: rows already stored count as duplicates.`
      : row.failure,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function getImport(actor: Actor, importId: string): Promise<ImportJob> {
  const row = await stored.getImport(actor.db, actor.homeId, importId);
  if (!row) throw notFound("Import");
  return importDto(row);
}

export async function listImports(actor: Actor, meterId: string): Promise<ImportJobList> {
  await requireMeter(actor.db, actor.homeId, meterId);
  const rows = await stored.listImports(actor.db, actor.homeId, meterId, RECENT_IMPORTS);
  return { imports: rows.map((row) => importDto(row)) };
}

/** Counts, the first errors, and what the one model run at the end needs. */
class ImportTally {
  rowsRead = 0;
  rowsStored = 0;
  duplicates = 0;
  readonly errors: ImportRowError[] = [];
  newest: Date | null = null;
  charted = false;
  rebuildRollups = false;

  error(line: number, message: string) {
    if (this.errors.length < MAX_IMPORT_ERRORS) this.errors.push({ line, message });
  }

  add(result: StoredReadings) {
    this.rowsStored += result.accepted;
    this.duplicates += result.duplicates;
    if (result.newest && (!this.newest || result.newest > this.newest)) this.newest = result.newest;
    this.charted ||= result.charted;
    this.rebuildRollups ||= result.rebuildRollups;
    if (result.expired > 0) this.error(0, `${result.expired} rows are older than the meter's retained raw data: not stored`);
  }

  progress(): stored.ImportProgress {
    return { rowsRead: this.rowsRead, rowsStored: this.rowsStored, duplicates: this.duplicates, errors: [...this.errors] };
  }
}

/**
 * Imports a CSV file into one of the person's meters (see the top of this file for how it runs):
 * 400 before anything is written for an unknown header or a missing unit; then a job that stores
 * the good rows in chunks, reports the bad ones by line, and triggers one model run at the end.
 * Resolves with the finished job.
 */
export async function importReadings(
  actor: Actor,
  waitUntil: (work: Promise<unknown>) => void,
  meterId: string,
  upload: () => CsvUpload,
  query: ImportQuery,
): Promise<ImportJob> {
  requireRole(actor, "editor");
  const meter = await requireMeter(actor.db, actor.homeId, meterId);
  const { detected, unit, lines } = await openFile(csvLines(upload(), "import"), query);
  if (!unit) {
    await lines.return(undefined);
    throw unitRequired(detected);
  }
  const job = await stored.createImport(actor.db, { ownerId: actor.homeId, meterId: meter.id, format: detected.definition.format, unit });
  const run = runJob(
    actor,
    waitUntil,
    meter,
    job,
    new RowParser(detected, { unit, timeZone: meter.timezone, series: query.series }),
    lines,
  );
  waitUntil(run.catch(() => {}));
  return run;
}

async function runJob(
  actor: Actor,
  waitUntil: (work: Promise<unknown>) => void,
  meter: MeterRow,
  job: stored.ImportRow,
  rows: RowParser,
  lines: AsyncGenerator<NumberedLine>,
): Promise<ImportJob> {
  const jobId = job.id;
  const tally = new ImportTally();
  const hub = userHub(actor.env, actor.userId);
  const publish = (type: string, job: ImportJob) =>
    hub.publish(type, job).then(
      () => {},
      (error: Error) => console.error(`live: could not publish import ${jobId}: ${error.message}`),
    );
  // Open tabs learn at once that an import started (the page shows it, whichever tab sent it).
  await publish(IMPORT_PROGRESS_EVENT, importDto(job));
  let lastProgress = Date.now();
  // One chunk is stored while the next is parsed.
  let storing: Promise<void> = Promise.resolve();
  const store = async (batch: Reading[]) => {
    await storing;
    storing = storeReadings(actor.db, meter, batch).then((result) => tally.add(result));
    // Awaited before the next chunk or at the end; until then its failure is not "unhandled".
    storing.catch(() => {});
    if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
      await storing;
      lastProgress = Date.now();
      await publish(IMPORT_PROGRESS_EVENT, importDto(await stored.updateImport(actor.db, jobId, tally.progress())));
    }
  };
  let failure: string | null = null;
  let batch: Reading[] = [];
  try {
    for await (const { line, number } of lines) {
      const result = rows.parse(line);
      if ("skipped" in result && line.trim() === "") continue;
      tally.rowsRead++;
      if ("error" in result) tally.error(number, result.error);
      else if ("reading" in result) {
        batch.push(result.reading);
        if (batch.length >= IMPORT_CHUNK_ROWS) {
          await store(batch);
          batch = [];
        }
      }
    }
    if (batch.length > 0) await store(batch);
    await storing;
    if (tally.rowsStored + tally.duplicates === 0)
      failure =
        tally.rowsRead === 0
          ? "The file has a header but no rows."
          : `None of the ${tally.rowsRead} rows could be imported: see the errors by line.`;
  } catch (error) {
    await storing.catch(() => {});
    // The rows that arrived before the break are as good as any: kept (unless the database is what broke).
    if (batch.length > 0 && !isDatabaseUnavailable(error)) {
      await store(batch).catch(() => {});
      await storing.catch(() => {});
    }
    failure =
      error instanceof ApiError
        ? error.message
        : `${isDatabaseUnavailable(error) ? "The database became unreachable" : "The upload was interrupted"} after ${tally.rowsRead} rows. Import the same file again: rows already stored count as duplicates.`;
    if (!(error instanceof ApiError)) console.error(`import ${jobId}: stopped: ${(error as Error).message}`);
  }
  const finished = importDto(
    await stored.updateImport(actor.db, jobId, { ...tally.progress(), status: failure ? "failed" : "done", failure }),
  );
  announceReadings({ db: actor.db, env: actor.env, waitUntil }, meter, tally);
  await publish(IMPORT_FINISHED_EVENT, finished);
  return finished;
}
