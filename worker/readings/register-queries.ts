import type { Database } from "../db/client";
import type { EnergyRegister } from "./cumulative-energy";

/**
 * The register value stored just before `before`: what a batch's first value is differenced
 * against, so a batch sent twice, or in consecutive pieces, gives the same intervals.
 */
export async function previousRegister(db: Database, meterId: string, before: number): Promise<EnergyRegister | undefined> {
  const result = await db.$client.query(
    "SELECT ts, total_wh FROM energy_registers WHERE meter_id = $1 AND ts < $2 ORDER BY ts DESC LIMIT 1",
    [meterId, new Date(before).toISOString()],
  );
  const row = result.rows[0] as { ts: Date | string; total_wh: number } | undefined;
  return row && { ts: new Date(row.ts).getTime(), totalWh: Number(row.total_wh) };
}

/** Stores register values as received; one already stored for the same instant is kept. */
export async function insertRegisters(db: Database, meterId: string, registers: readonly EnergyRegister[]): Promise<void> {
  if (registers.length === 0) return;
  await db.$client.query(
    `INSERT INTO energy_registers (meter_id, ts, total_wh)
     SELECT $1, r.* FROM unnest($2::timestamptz[], $3::float8[]) AS r
     ON CONFLICT (meter_id, ts) DO NOTHING`,
    [meterId, registers.map((r) => new Date(r.ts).toISOString()), registers.map((r) => r.totalWh)],
  );
}
