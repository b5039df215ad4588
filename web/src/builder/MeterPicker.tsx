import type { Meter } from "../api/wattboard";

/** Sites first, each followed by its sub-meters; devices without a known site come last. */
export function meterTree(meters: Meter[]): { meter: Meter; depth: 0 | 1 }[] {
  const sites = meters.filter((m) => m.kind === "site");
  const siteIds = new Set(sites.map((s) => s.id));
  return [
    ...sites.flatMap((site) => [
      { meter: site, depth: 0 as const },
      ...meters.filter((m) => m.parentId === site.id).map((meter) => ({ meter, depth: 1 as const })),
    ]),
    ...meters.filter((m) => m.kind === "device" && !(m.parentId && siteIds.has(m.parentId))).map((meter) => ({ meter, depth: 0 as const })),
  ];
}

export function MeterPicker({ meters, selected, onChange }: { meters: Meter[]; selected: string[]; onChange: (ids: string[]) => void }) {
  const toggle = (id: string, on: boolean) => onChange(on ? [...selected, id] : selected.filter((s) => s !== id));
  return (
    <fieldset className="meter-picker">
      <legend>Meters</legend>
      {meterTree(meters).map(({ meter, depth }) => (
        <label key={meter.id} className={depth ? "sub-meter" : undefined}>
          <input type="checkbox" checked={selected.includes(meter.id)} onChange={(e) => toggle(meter.id, e.target.checked)} />
          {meter.name}
          {meter.kind === "device" && <span className="muted"> · sub-meter</span>}
        </label>
      ))}
    </fieldset>
  );
}
