import { type FormEvent, useEffect, useState } from "react";
import type { FlexibleAssets, TariffSetting } from "../../../worker/meters/energy-contract";
import { errorText } from "../api/client";
import { type Tariff, tariffsApi } from "../api/tariffs";
import { type Meter, wattboard } from "../api/wattboard";
import { StandingChargeInput } from "../tariffs/TariffFields";

type TariffKind = "default" | TariffSetting["kind"];
type Period = { from: string; to: string; price: number };
type Load = NonNullable<FlexibleAssets["deferrableLoads"]>[number];

const MAX_LOADS = 4;

/** The meter's tariff and flexible assets, which the planner plans against. */
export function EnergySettings({ meter, onSaved }: { meter: Meter; onSaved: (meter: Meter) => void }) {
  const tariff = meter.tariff;
  const [kind, setKind] = useState<TariffKind>(tariff?.kind ?? "default");
  const [currency, setCurrency] = useState((tariff && "currency" in tariff && tariff.currency) || "EUR");
  const [flatPrice, setFlatPrice] = useState(tariff?.kind === "flat" ? tariff.price : 0.25);
  const [defaultPrice, setDefaultPrice] = useState(tariff?.kind === "tou" ? tariff.defaultPrice : 0.27);
  const [periods, setPeriods] = useState<Period[]>(tariff?.kind === "tou" ? tariff.periods : [{ from: "22:00", to: "06:00", price: 0.2 }]);
  const [battery, setBattery] = useState(meter.assets?.battery ?? null);
  const [loads, setLoads] = useState<Load[]>(meter.assets?.deferrableLoads ?? []);
  const [peak, setPeak] = useState<string>(meter.assets?.peakLimitKw ? String(meter.assets.peakLimitKw) : "");
  const [standingCharge, setStandingCharge] = useState(
    tariff && "standingChargePerDay" in tariff && tariff.standingChargePerDay !== undefined ? String(tariff.standingChargePerDay) : "",
  );
  const [importedId, setImportedId] = useState(tariff?.kind === "imported" ? tariff.tariffId : "");
  const [imported, setImported] = useState<Tariff[] | null>(null);
  const [status, setStatus] = useState<{ error?: string; saved?: boolean }>({});

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

  function tariffSetting(): TariffSetting | null {
    const standingChargePerDay = standingCharge === "" ? undefined : Number(standingCharge);
    if (kind === "flat") return { kind, price: flatPrice, currency, standingChargePerDay };
    if (kind === "tou") return { kind, defaultPrice, periods, currency, standingChargePerDay };
    if (kind === "preset") return { kind, name: "london-dynamic-2013", standingChargePerDay };
    if (kind === "imported") return { kind, tariffId: importedId };
    return null;
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    try {
      const saved = await wattboard.updateMeter(meter.id, {
        tariff: tariffSetting(),
        assets: { battery, deferrableLoads: loads, peakLimitKw: peak ? Number(peak) : null },
      });
      setStatus({ saved: true });
      onSaved(saved);
    } catch (caught) {
      setStatus({ error: errorText(caught) });
    }
  }

  const num = (value: string) => (value === "" ? 0 : Number(value));
  const setPeriod = (i: number, change: Partial<Period>) => setPeriods(periods.map((p, j) => (i === j ? { ...p, ...change } : p)));
  const setLoad = (i: number, change: Partial<Load>) => setLoads(loads.map((l, j) => (i === j ? { ...l, ...change } : l)));

  return (
    <form className="energy-settings" onSubmit={save} onChange={() => setStatus({})}>
      <fieldset>
        <legend>Tariff</legend>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as TariffKind)}>
            <option value="default">{meter.kind === "device" ? "Not set (its site's tariff)" : "Not set (a flat default price)"}</option>
            <option value="flat">Flat price</option>
            <option value="tou">Time of use (cheaper hours)</option>
            <option value="preset">London dynamic tariff (2013 trial)</option>
            <option value="imported">Imported prices (Tariffs page)</option>
          </select>
        </label>
        {kind === "imported" && (
          <label>
            Tariff
            <select required value={importedId} onChange={(e) => setImportedId(e.target.value)}>
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
          <StandingChargeInput label="Standing charge per day (optional)" value={standingCharge} onChange={setStandingCharge} />
        )}
        {(kind === "flat" || kind === "tou") && (
          <label>
            Currency <input value={currency} maxLength={8} onChange={(e) => setCurrency(e.target.value)} />
          </label>
        )}
        {kind === "flat" && (
          <label>
            Price per kWh <input type="number" step="0.001" value={flatPrice} onChange={(e) => setFlatPrice(num(e.target.value))} />
          </label>
        )}
        {kind === "tou" && (
          <>
            <label>
              Price outside the periods{" "}
              <input type="number" step="0.001" value={defaultPrice} onChange={(e) => setDefaultPrice(num(e.target.value))} />
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
                <button type="button" onClick={() => setPeriods(periods.filter((_, j) => j !== i))} disabled={periods.length === 1}>
                  Remove
                </button>
              </div>
            ))}
            <button type="button" onClick={() => setPeriods([...periods, { from: "12:00", to: "14:00", price: defaultPrice }])}>
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
            onChange={(e) => setBattery(e.target.checked ? { capacityKwh: 5, powerKw: 2.5, roundTripEfficiency: 0.9 } : null)}
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
                onChange={(e) => setBattery({ ...battery, capacityKwh: num(e.target.value) })}
              />
            </label>
            <label>
              Power (kW){" "}
              <input
                type="number"
                step="0.1"
                min="0.1"
                value={battery.powerKw}
                onChange={(e) => setBattery({ ...battery, powerKw: num(e.target.value) })}
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
            <button type="button" onClick={() => setLoads(loads.filter((_, j) => j !== i))}>
              Remove
            </button>
          </div>
        ))}
        {loads.length < MAX_LOADS && (
          <button type="button" onClick={() => setLoads([...loads, { name: "EV", energyKwh: 10, powerKw: 3.7, fromHour: 19, toHour: 7 }])}>
            Add a flexible load (EV, dishwasher…)
          </button>
        )}
        <label>
          Peak limit (kW, optional: you are told when the forecast goes above it)
          <input type="number" step="0.1" min="0" value={peak} onChange={(e) => setPeak(e.target.value)} />
        </label>
      </fieldset>
      <div className="row">
        <button type="submit" className="primary">
          Save tariff & assets
        </button>
        {status.saved && (
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
