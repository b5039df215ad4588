import { type FormEvent, useEffect, useState } from "react";
import type { FlexibleAssets, TariffSetting } from "../../../worker/meters/energy-contract";
import { errorText } from "../api/client";
import { type Tariff, tariffsApi } from "../api/tariffs";
import { type Meter, wattboard } from "../api/wattboard";
import { StandingChargeInput } from "../tariffs/TariffFields";

type TariffKind = "default" | TariffSetting["kind"];
type Period = { from: string; to: string; price: number };
type Load = NonNullable<FlexibleAssets["deferrableLoads"]>[number];
type Battery = NonNullable<FlexibleAssets["battery"]>;

const MAX_LOADS = 4;

/** What the form edits, every field kept while another tariff kind is shown, so switching back loses nothing. */
type Draft = {
  kind: TariffKind;
  currency: string;
  flatPrice: number;
  defaultPrice: number;
  periods: Period[];
  standingCharge: string;
  importedId: string;
  battery: Battery | null;
  loads: Load[];
  peak: string;
};

/** The form as the saved meter fills it. */
function savedDraft(meter: Meter): Draft {
  const tariff = meter.tariff;
  return {
    kind: tariff?.kind ?? "default",
    currency: (tariff && "currency" in tariff && tariff.currency) || "EUR",
    flatPrice: tariff?.kind === "flat" ? tariff.price : 0.25,
    defaultPrice: tariff?.kind === "tou" ? tariff.defaultPrice : 0.27,
    periods: tariff?.kind === "tou" ? tariff.periods : [{ from: "22:00", to: "06:00", price: 0.2 }],
    standingCharge:
      tariff && "standingChargePerDay" in tariff && tariff.standingChargePerDay !== undefined ? String(tariff.standingChargePerDay) : "",
    importedId: tariff?.kind === "imported" ? tariff.tariffId : "",
    battery: meter.assets?.battery ?? null,
    loads: meter.assets?.deferrableLoads ?? [],
    peak: meter.assets?.peakLimitKw ? String(meter.assets.peakLimitKw) : "",
  };
}

function tariffSetting(draft: Draft): TariffSetting | null {
  const { kind, currency, standingCharge } = draft;
  const standingChargePerDay = standingCharge === "" ? undefined : Number(standingCharge);
  if (kind === "flat") return { kind, price: draft.flatPrice, currency, standingChargePerDay };
  if (kind === "tou") return { kind, defaultPrice: draft.defaultPrice, periods: draft.periods, currency, standingChargePerDay };
  if (kind === "preset") return { kind, name: "london-dynamic-2013", standingChargePerDay };
  if (kind === "imported") return { kind, tariffId: draft.importedId };
  return null;
}

/** What Save sends: what the planner plans with. */
function settings(draft: Draft) {
  const { battery, loads, peak } = draft;
  return { tariff: tariffSetting(draft), assets: { battery, deferrableLoads: loads, peakLimitKw: peak ? Number(peak) : null } };
}

/** The same JSON whatever the order of the keys (the server's objects and the form's are built apart). */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/**
 * The meter's tariff and flexible assets, which the planner plans against. Edits stay a draft, marked
 * "Unsaved changes", until saved: a run plans with what is saved.
 */
export function EnergySettings({ meter, onSaved }: { meter: Meter; onSaved: (meter: Meter) => void }) {
  const [draft, setDraft] = useState(() => savedDraft(meter));
  const [imported, setImported] = useState<Tariff[] | null>(null);
  const [status, setStatus] = useState<{ error?: string; saved?: boolean }>({});
  const unsaved = canonicalJson(settings(draft)) !== canonicalJson(settings(savedDraft(meter)));

  useEffect(() => {
    let cancelled = false;
    tariffsApi.list().then(
      (list) => !cancelled && setImported(list),
      () => !cancelled && setImported([]),
    );
    return () => {
      cancelled = true;
    };
  }, []);

  function edit(change: Partial<Draft>) {
    setDraft((current) => ({ ...current, ...change }));
    setStatus({});
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    try {
      const saved = await wattboard.updateMeter(meter.id, settings(draft));
      // The server's form of what was sent (e.g. the currency upper-cased), so the form is not left "unsaved".
      setDraft(savedDraft(saved));
      setStatus({ saved: true });
      onSaved(saved);
    } catch (caught) {
      setStatus({ error: errorText(caught) });
    }
  }

  function reset() {
    setDraft(savedDraft(meter));
    setStatus({});
  }

  const { kind, currency, flatPrice, defaultPrice, periods, standingCharge, importedId, battery, loads, peak } = draft;
  const num = (value: string) => (value === "" ? 0 : Number(value));
  const setPeriod = (i: number, change: Partial<Period>) => edit({ periods: periods.map((p, j) => (i === j ? { ...p, ...change } : p)) });
  const setLoad = (i: number, change: Partial<Load>) => edit({ loads: loads.map((l, j) => (i === j ? { ...l, ...change } : l)) });

  return (
    <form className={unsaved ? "energy-settings unsaved" : "energy-settings"} onSubmit={save}>
      <fieldset>
        <legend>Tariff</legend>
        <label>
          Kind
          <select value={kind} onChange={(e) => edit({ kind: e.target.value as TariffKind })}>
            <option value="default">{meter.kind === "device" ? "Not set (its site's tariff)" : "Not set (no costs)"}</option>
            <option value="flat">Flat price</option>
            <option value="tou">Time of use (cheaper hours)</option>
            <option value="preset">London dynamic tariff (2013 trial)</option>
            <option value="imported">Imported prices (Tariffs page)</option>
          </select>
        </label>
        {kind === "imported" && (
          <label>
            Tariff
            <select required value={importedId} onChange={(e) => edit({ importedId: e.target.value })}>
              <option value="" disabled>
                {imported === null ? "Loading…" : imported.length ? "Choose one" : "None yet: upload one on the Tariffs page"}
              </option>
              {imported?.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name} ({t.currency}, {t.slotMinutes}-minute prices)
                </option>
              ))}
            </select>
          </label>
        )}
        {kind === "imported" && (
          <p className="muted">
            Its standing charge is set with the tariff, on the <a href="/tariffs">Tariffs</a> page.
          </p>
        )}
        {(kind === "flat" || kind === "tou" || kind === "preset") && (
          <StandingChargeInput
            label="Standing charge per day (optional)"
            value={standingCharge}
            onChange={(value) => edit({ standingCharge: value })}
          />
        )}
        {(kind === "flat" || kind === "tou") && (
          <label>
            Currency <input value={currency} maxLength={8} onChange={(e) => edit({ currency: e.target.value })} />
          </label>
        )}
        {kind === "flat" && (
          <label>
            Price per kWh <input type="number" step="0.001" value={flatPrice} onChange={(e) => edit({ flatPrice: num(e.target.value) })} />
          </label>
        )}
        {kind === "tou" && (
          <>
            <label>
              Price outside the periods{" "}
              <input type="number" step="0.001" value={defaultPrice} onChange={(e) => edit({ defaultPrice: num(e.target.value) })} />
            </label>
            {periods.map((period, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: periods have no id, and a row holds no state of its own (controlled inputs), so a removed row cannot leave its values on another.
              <div className="inline" key={i}>
                <label>
                  From <input type="time" value={period.from} onChange={(e) => setPeriod(i, { from: e.target.value })} />
                </label>
                <label>
                  To <input type="time" value={period.to} onChange={(e) => setPeriod(i, { to: e.target.value })} />
                </label>
                <label>
                  Price{" "}
                  <input type="number" step="0.001" value={period.price} onChange={(e) => setPeriod(i, { price: num(e.target.value) })} />
                </label>
                <button type="button" onClick={() => edit({ periods: periods.filter((_, j) => j !== i) })} disabled={periods.length === 1}>
                  Remove
                </button>
              </div>
            ))}
            <button type="button" onClick={() => edit({ periods: [...periods, { from: "12:00", to: "14:00", price: defaultPrice }] })}>
              Add a period
            </button>
          </>
        )}
      </fieldset>

      <fieldset>
        <legend>Flexible assets</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={battery !== null}
            onChange={(e) => edit({ battery: e.target.checked ? { capacityKwh: 5, powerKw: 2.5, roundTripEfficiency: 0.9 } : null })}
          />
          Home battery
        </label>
        {battery && (
          <div className="inline">
            <label>
              Capacity (kWh){" "}
              <input
                type="number"
                step="0.1"
                min="0.1"
                value={battery.capacityKwh}
                onChange={(e) => edit({ battery: { ...battery, capacityKwh: num(e.target.value) } })}
              />
            </label>
            <label>
              Power (kW){" "}
              <input
                type="number"
                step="0.1"
                min="0.1"
                value={battery.powerKw}
                onChange={(e) => edit({ battery: { ...battery, powerKw: num(e.target.value) } })}
              />
            </label>
          </div>
        )}
        {loads.map((load, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: loads have no id, and a row holds no state of its own (controlled inputs), so a removed row cannot leave its values on another.
          <div className="inline" key={i}>
            <label>
              Flexible load <input value={load.name} maxLength={40} onChange={(e) => setLoad(i, { name: e.target.value })} />
            </label>
            <label>
              Energy (kWh){" "}
              <input type="number" step="0.1" value={load.energyKwh} onChange={(e) => setLoad(i, { energyKwh: num(e.target.value) })} />
            </label>
            <label>
              Power (kW){" "}
              <input type="number" step="0.1" value={load.powerKw} onChange={(e) => setLoad(i, { powerKw: num(e.target.value) })} />
            </label>
            <label>
              From hour{" "}
              <input type="number" min="0" max="23" value={load.fromHour} onChange={(e) => setLoad(i, { fromHour: num(e.target.value) })} />
            </label>
            <label>
              Done by hour{" "}
              <input type="number" min="0" max="24" value={load.toHour} onChange={(e) => setLoad(i, { toHour: num(e.target.value) })} />
            </label>
            <button type="button" onClick={() => edit({ loads: loads.filter((_, j) => j !== i) })}>
              Remove
            </button>
          </div>
        ))}
        {loads.length < MAX_LOADS && (
          <button
            type="button"
            onClick={() => edit({ loads: [...loads, { name: "EV", energyKwh: 10, powerKw: 3.7, fromHour: 19, toHour: 7 }] })}
          >
            Add a flexible load (EV, dishwasher…)
          </button>
        )}
        <label>
          Peak limit (kW, optional: you are told when the forecast goes above it)
          <input type="number" step="0.1" min="0" value={peak} onChange={(e) => edit({ peak: e.target.value })} />
        </label>
      </fieldset>
      <div className="row">
        <button type="submit" className="primary" disabled={!unsaved}>
          Save tariff & assets
        </button>
        <button type="button" onClick={reset} disabled={!unsaved}>
          Reset
        </button>
        {unsaved && (
          <span className="unsaved-note" role="status">
            Unsaved changes: runs plan with the saved settings until you save.
          </span>
        )}
        {!unsaved && status.saved && (
          <span className="muted" role="status">
            Saved. The next run plans with these.
          </span>
        )}
        {status.error && (
          <span className="error" role="alert">
            {status.error}
          </span>
        )}
      </div>
    </form>
  );
}
