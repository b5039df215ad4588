import type { PriceUnit } from "../api/tariffs";

const UNITS: { value: PriceUnit | ""; label: string }[] = [
  { value: "", label: "As the file says (else per kWh)" },
  { value: "per_kwh", label: "Per kWh" },
  { value: "per_mwh", label: "Per MWh (Nord Pool, ENTSO-E)" },
  { value: "minor_per_kwh", label: "Pence or cents per kWh (Octopus)" },
];

/** A price CSV picked from disk; picking another clears what was said about the last one. */
export function PriceFileInput({ label, onFile }: { label: string; onFile: (file: File | null) => void }) {
  return (
    <label>
      {label}
      <input required type="file" accept=".csv,text/csv" onChange={(e) => onFile(e.target.files?.[0] ?? null)} />
    </label>
  );
}

/** What the file's prices are in, when its header does not say. */
export function PriceUnitSelect({ value, onChange }: { value: PriceUnit | ""; onChange: (unit: PriceUnit | "") => void }) {
  return (
    <label>
      Prices are
      <select value={value} onChange={(e) => onChange(e.target.value as PriceUnit | "")}>
        {UNITS.map((u) => (
          <option key={u.value} value={u.value}>
            {u.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A tariff's fixed charge per day, in its currency (the value stays text while typed). */
export function StandingChargeInput({ label, value, onChange }: { label: string; value: string; onChange: (value: string) => void }) {
  return (
    <label>
      {label} <input type="number" step="0.0001" min="0" max="100" value={value} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}
