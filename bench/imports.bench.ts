import { fileURLToPath } from "node:url";
import { Pool } from "@neondatabase/serverless";
import { configureNodeDriver } from "../scripts/local-stack/node-driver";
import { api, type BenchResult, type BenchStack, startBenchStack } from "./harness";

/** One year of minute data. */
const ROWS = 525_600;
/** The import's chunk (worker/readings/imports.ts IMPORT_CHUNK_ROWS), for the reference too. */
const CHUNK = 5_000;

function minuteRows(start: number): { ts: string; kwh: number }[] {
  return Array.from({ length: ROWS }, (_, i) => ({ ts: new Date(start + (i + 1) * 60_000).toISOString(), kwh: 0.005 + (i % 37) / 1000 }));
}

/**
 * A year of minute readings imported as a generic CSV (kWh per minute) through POST
 * /api/meters/{id}/imports, against the same rows as plain multi-row INSERTs through the same driver
 * into the same database: one connection, chunks of the same size one after the other, as the import
 * runs (one stream, one connection). Goal: ratio >= 0.5.
 */
export async function benchImports(stack: BenchStack, pool: Pool, log: (line: string) => void): Promise<Record<string, BenchResult>> {
  const start = Date.now() - (ROWS + 10) * 60_000;
  const rows = minuteRows(start);
  const importMeter = await api<{ id: string }>(stack, "POST", "/api/meters", { name: "bench import", timezone: "UTC" });
  const directMeter = await api<{ id: string }>(stack, "POST", "/api/meters", { name: "bench import direct", timezone: "UTC" });

  const client = await pool.connect();
  const directStart = performance.now();
  try {
    for (let offset = 0; offset < ROWS; offset += CHUNK) {
      const values: unknown[] = [];
      const tuples = rows.slice(offset, offset + CHUNK).map((row, i) => {
        values.push(directMeter.id, row.ts, row.kwh * 1000);
        return `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})`;
      });
      await client.query(`INSERT INTO readings (meter_id, ts, energy_wh) VALUES ${tuples.join(",")}`, values);
    }
  } finally {
    client.release();
  }
  const directRate = ROWS / ((performance.now() - directStart) / 1000);
  log(`  direct INSERT: ${Math.round(directRate).toLocaleString("en")} rows/s`);

  const csv = `timestamp,value\n${rows.map((row) => `${row.ts},${row.kwh}`).join("\n")}\n`;
  const importStart = performance.now();
  const response = await fetch(`${stack.baseUrl}/api/meters/${importMeter.id}/imports?unit=kwh_per_interval`, {
    method: "POST",
    headers: { Authorization: `Bearer ${stack.token}`, "Content-Type": "text/csv" },
    body: csv,
  });
  const job = (await response.json()) as { status: string; rowsStored: number; duplicates: number; failure: string | null };
  const importRate = ROWS / ((performance.now() - importStart) / 1000);
  log(`  CSV import: ${Math.round(importRate).toLocaleString("en")} rows/s (${(csv.length / 1024 / 1024).toFixed(1)} MB)`);

  const stored = await pool.query("SELECT meter_id, count(*)::int AS n FROM readings WHERE meter_id = ANY($1) GROUP BY meter_id", [
    [importMeter.id, directMeter.id],
  ]);
  const counts = Object.fromEntries(stored.rows.map((r) => [r.meter_id, r.n]));
  if (
    response.status !== 202 ||
    job.status !== "done" ||
    job.rowsStored !== ROWS ||
    counts[importMeter.id] !== ROWS ||
    counts[directMeter.id] !== ROWS
  ) {
    throw new Error(`import ${response.status} ${JSON.stringify(job)}, stored ${JSON.stringify(counts)}, expected ${ROWS} each`);
  }
  return {
    import_csv: {
      value: Math.round(importRate),
      unit: "rows/s",
      reference: Math.round(directRate),
      ratio: Number((importRate / directRate).toFixed(3)),
      note: `${ROWS} minute rows (a year), generic CSV streamed to POST /api/meters/{id}/imports through workerd, stored in chunks of ${CHUNK}; reference: multi-row INSERT of the same rows, same chunks, one connection, same driver and database. Goal: ratio >= 0.5`,
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const log = (line: string) => console.log(line);
  const stack = await startBenchStack(log, { build: !process.argv.includes("--no-build") });
  configureNodeDriver(stack.database.wsProxy);
  const pool = new Pool({ connectionString: stack.database.databaseUrl, max: 1 });
  try {
    log("imports:");
    console.log(JSON.stringify(await benchImports(stack, pool, log), null, 2));
  } finally {
    await pool.end();
    await stack.stop();
  }
  process.exit(0);
}
