/**
 * Derives the demo meters' data from ../shared/data (real metered households) into small CSVs
 * committed under scripts/demo/data, so a fresh clone has them. Run once: tsx scripts/demo/build-demo-data.ts
 *   sceaux.csv  one house in Sceaux (UCI), hourly, autumn 2009, with its three sub-meters
 *   london-*.csv  two Low Carbon London households, half-hourly, autumn 2013 (one on the dynamic ToU tariff)
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const shared = fileURLToPath(new URL("../../../shared/data", import.meta.url));
const out = fileURLToPath(new URL("./data", import.meta.url));
if (!existsSync(shared)) throw new Error(`${shared} not found: the demo data is already committed in scripts/demo/data`);

const iso = (local: string) => `${local.replace(" ", "T").slice(0, 16)}Z`;
const round = (value: number, digits: number) => Number(value.toFixed(digits));

// UCI: hourly sums of minute readings. kWh = kW-minutes / 60; V and A are sums of minute means.
const uci = readFileSync(`${shared}/uci_sceaux_hourly/household_power_consumption_hourly.csv`, "utf8").trim().split("\n").slice(1);
const sceaux = ["start,kwh,voltage_v,current_a,power_factor,kitchen_wh,laundry_wh,heater_ac_wh"];
for (const line of uci) {
  const [datetime, active, reactive, voltage, intensity, sub1, sub2, sub3] = line.split(",");
  if (datetime < "2009-10-01" || datetime >= "2009-12-01") continue;
  const values = [active, reactive, voltage, intensity, sub1, sub2, sub3].map(Number);
  if (values.some((v) => !Number.isFinite(v))) continue;
  const [p, q, v, i, s1, s2, s3] = values;
  const powerFactor = p + q > 0 ? p / Math.hypot(p, q) : 1;
  sceaux.push([iso(datetime), round(p / 60, 4), round(v / 60, 2), round(i / 60, 3), round(powerFactor, 3), s1, s2, s3].join(","));
}
writeFileSync(`${out}/sceaux.csv`, `${sceaux.join("\n")}\n`);

for (const household of ["MAC000002", "MAC000048"]) {
  const rows = readFileSync(`${shared}/lcl_london_2013/households/${household}.csv`, "utf8").trim().split("\n").slice(1);
  const lines = ["start,kwh"];
  for (const row of rows) {
    const [, tstp, kwh] = row.split(",");
    if (tstp < "2013-10-01" || tstp >= "2013-12-01" || !Number.isFinite(Number(kwh.trim())) || kwh.trim() === "") continue;
    lines.push(`${iso(tstp)},${Number(kwh.trim())}`);
  }
  writeFileSync(`${out}/london-${household}.csv`, `${lines.join("\n")}\n`);
}
console.log(`wrote ${sceaux.length - 1} Sceaux hours and two London households to ${out}`);
