import { type FormEvent, Fragment, useCallback, useEffect, useState } from "react";
import { errorText } from "../api/client";
import { type PriceUnit, type Tariff, type TariffPrices, tariffsApi } from "../api/tariffs";
import { EditorOnly, useHomeRole } from "../homes/home-role";
import { ErrorBanner } from "../ui/ErrorBanner";
import { ErrorLine } from "../ui/ErrorLine";
import { PriceFileInput, PriceUnitSelect, StandingChargeInput } from "./TariffFields";
import { TariffPriceChart } from "./TariffPriceChart";
import "./tariffs.css";

const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const PREVIEW_LINES = 4;

/** A refused file: the server's reason, and the line it names as the file has it. */
interface FileProblem {
  message: string;
  lineNumber?: number;
  lineText?: string;
}

async function fileProblem(caught: unknown, file: File): Promise<FileProblem> {
  const message = errorText(caught);
  // The API starts a bad file's message with "Line N:" (and says N in details.line).
  const lineNumber = Number(/^Line (\d+):/.exec(message)?.[1] ?? Number.NaN);
  if (!Number.isInteger(lineNumber)) return { message };
  const lineText = (await file.text()).split("\n")[lineNumber - 1]?.replace(/\r$/, "");
  return { message, lineNumber, lineText };
}

function ProblemLine({ problem }: { problem: FileProblem | null }) {
  if (!problem) return null;
  return (
    <div className="error" role="alert" data-testid="tariff-error">
      <p>{problem.message}</p>
      {problem.lineText !== undefined && (
        <pre className="snippet">
          {problem.lineNumber}: {problem.lineText.slice(0, 200)}
        </pre>
      )}
    </div>
  );
}

const price = (value: number, currency: string) => `${value.toFixed(4)} ${currency}`;

/** Imported price series: upload one, see its prices, replace them, rename it, delete it. */
export function TariffsPage() {
  const [tariffs, setTariffs] = useState<Tariff[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [opened, setOpened] = useState<string | null>(null);
  const { canEdit } = useHomeRole();

  const load = useCallback(async () => {
    try {
      setTariffs(await tariffsApi.list());
      setError(null);
    } catch (caught) {
      setError(errorText(caught));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const replaced = (tariff: Tariff) => setTariffs((list) => list?.map((t) => (t.id === tariff.id ? tariff : t)) ?? null);

  async function remove(tariff: Tariff) {
    if (!confirm(`Delete the tariff "${tariff.name}"?`)) return;
    try {
      await tariffsApi.delete(tariff.id);
      setTariffs((list) => list?.filter((t) => t.id !== tariff.id) ?? null);
      if (opened === tariff.id) setOpened(null);
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  return (
    <main className="workspace meters tariffs-page">
      <h2>Tariffs</h2>
      <p className="muted">
        Price series from a file, shared by any of your meters: choose one in a meter's “Tariff & forecast”. Costs and the planner use its
        prices slot by slot.
      </p>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {tariffs && tariffs.length === 0 && (
        <div className="card empty">
          <h3>No tariffs yet</h3>
          <p>Upload a price file below: an Octopus Agile download, a Nord Pool or ENTSO-E day-ahead export, or timestamp,price_per_kwh.</p>
        </div>
      )}
      {tariffs && tariffs.length > 0 && (
        <table className="card meter-table tariff-table">
          <thead>
            <tr>
              <th>Tariff</th>
              <th className="wide-only">Prices</th>
              <th>From – to</th>
              <th className="wide-only">Range per kWh</th>
              <th className="wide-only">Standing charge</th>
              <th>Paid by</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tariffs.map((tariff) => (
              <Fragment key={tariff.id}>
                <tr data-tariff-id={tariff.id}>
                  <td>{tariff.name}</td>
                  <td className="wide-only">
                    {tariff.slots} × {tariff.slotMinutes} min
                  </td>
                  <td>
                    {when.format(new Date(tariff.from))} – {when.format(new Date(tariff.to))}
                  </td>
                  <td className="wide-only">
                    {price(tariff.minPrice, tariff.currency)} to {price(tariff.maxPrice, tariff.currency)}
                  </td>
                  <td className="wide-only">
                    {tariff.standingChargePerDay === null ? "none" : `${tariff.standingChargePerDay} ${tariff.currency}/day`}
                  </td>
                  <td>{tariff.meters.length ? tariff.meters.map((m) => m.name).join(", ") : <span className="muted">no meter</span>}</td>
                  <td className="actions">
                    <button
                      type="button"
                      aria-expanded={opened === tariff.id}
                      onClick={() => setOpened(opened === tariff.id ? null : tariff.id)}
                    >
                      {opened === tariff.id ? "Close" : "Prices"}
                    </button>{" "}
                    {canEdit && (
                      <button type="button" onClick={() => void remove(tariff)}>
                        Delete
                      </button>
                    )}
                  </td>
                </tr>
                {opened === tariff.id && (
                  <tr className="meter-details">
                    <td colSpan={7}>
                      <EditorOnly>
                        <TariffDetails tariff={tariff} onChanged={replaced} />
                      </EditorOnly>
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
      {canEdit && <UploadForm onCreated={(tariff) => setTariffs((list) => [...(list ?? []), tariff])} />}
    </main>
  );
}

/** The first lines of a chosen file, to check it is the right one before sending it. */
function useFilePreview(file: File | null): string[] {
  const [lines, setLines] = useState<string[]>([]);
  useEffect(() => {
    if (!file) return setLines([]);
    let cancelled = false;
    void file
      .slice(0, 4096)
      .text()
      .then((text) => !cancelled && setLines(text.split("\n").slice(0, PREVIEW_LINES + 1)));
    return () => {
      cancelled = true;
    };
  }, [file]);
  return lines;
}

function UploadForm({ onCreated }: { onCreated: (tariff: Tariff) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  const [currency, setCurrency] = useState("");
  const [unit, setUnit] = useState<PriceUnit | "">("");
  const [standingCharge, setStandingCharge] = useState("");
  const [problem, setProblem] = useState<FileProblem | null>(null);
  const pickFile = (picked: File | null) => {
    setFile(picked);
    setProblem(null);
  };
  const [busy, setBusy] = useState(false);
  const preview = useFilePreview(file);

  async function upload(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    try {
      const created = await tariffsApi.create(file, {
        name: name || file.name.replace(/\.csv$/i, ""),
        currency: currency || undefined,
        unit: unit || undefined,
        standingChargePerDay: standingCharge === "" ? undefined : Number(standingCharge),
      });
      onCreated(created);
      setProblem(null);
      setFile(null);
      setName("");
      (event.target as HTMLFormElement).reset();
    } catch (caught) {
      setProblem(await fileProblem(caught, file));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card meter-form tariff-form" onSubmit={upload}>
      <h3>Upload a tariff</h3>
      <PriceFileInput label="Price file (CSV)" onFile={pickFile} />
      <label>
        Name{" "}
        <input
          maxLength={100}
          value={name}
          placeholder={file?.name.replace(/\.csv$/i, "") ?? "Agile London"}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <label>
        Currency{" "}
        <input
          maxLength={3}
          value={currency}
          placeholder="As the file says, else GBP"
          onChange={(e) => setCurrency(e.target.value.toUpperCase())}
        />
      </label>
      <PriceUnitSelect value={unit} onChange={setUnit} />
      <label>
        Standing charge per day (optional)
        <input type="number" step="0.0001" min="0" max="100" value={standingCharge} onChange={(e) => setStandingCharge(e.target.value)} />
      </label>
      <button type="submit" className="primary" disabled={!file || busy}>
        {busy ? "Uploading…" : "Upload"}
      </button>
      {preview.length > 0 && (
        <figure className="tariff-preview">
          <figcaption className="muted">The file's first lines</figcaption>
          <pre className="snippet">{preview.join("\n")}</pre>
        </figure>
      )}
      <div className="tariff-problem">
        <ProblemLine problem={problem} />
      </div>
    </form>
  );
}

/** One tariff's prices as a chart, its name and standing charge, and new prices from a file. */
function TariffDetails({ tariff, onChanged }: { tariff: Tariff; onChanged: (tariff: Tariff) => void }) {
  const [prices, setPrices] = useState<TariffPrices | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState(tariff.name);
  const [standingCharge, setStandingCharge] = useState(tariff.standingChargePerDay === null ? "" : String(tariff.standingChargePerDay));
  const [saved, setSaved] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [unit, setUnit] = useState<PriceUnit | "">("");
  const [problem, setProblem] = useState<FileProblem | null>(null);
  const pickFile = (picked: File | null) => {
    setFile(picked);
    setProblem(null);
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: updatedAt is the trigger: new prices were stored.
  useEffect(() => {
    let cancelled = false;
    tariffsApi.prices(tariff.id).then(
      (result) => !cancelled && setPrices(result),
      (caught) => !cancelled && setError(errorText(caught)),
    );
    return () => {
      cancelled = true;
    };
  }, [tariff.id, tariff.updatedAt]);

  async function save(event: FormEvent) {
    event.preventDefault();
    try {
      onChanged(await tariffsApi.update(tariff.id, { name, standingChargePerDay: standingCharge === "" ? null : Number(standingCharge) }));
      setSaved(true);
      setError(null);
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  async function replace(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    try {
      onChanged(await tariffsApi.replacePrices(tariff.id, file, unit || undefined));
      setProblem(null);
      setFile(null);
      (event.target as HTMLFormElement).reset();
    } catch (caught) {
      setProblem(await fileProblem(caught, file));
    }
  }

  return (
    <div className="tariff-details">
      {prices ? <TariffPriceChart tariff={prices} /> : <p className="muted">Loading prices…</p>}
      <ErrorLine error={error} />
      <form className="energy-settings" onSubmit={save} onChange={() => setSaved(false)}>
        <div className="inline">
          <label>
            Name <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <StandingChargeInput label={`Standing charge per day (${tariff.currency})`} value={standingCharge} onChange={setStandingCharge} />
          <button type="submit">Save</button>
          {saved && (
            <span className="muted" role="status">
              Saved.
            </span>
          )}
        </div>
      </form>
      <form className="energy-settings" onSubmit={replace}>
        <div className="inline">
          <PriceFileInput label="New prices (CSV, replaces all of them)" onFile={pickFile} />
          <PriceUnitSelect value={unit} onChange={setUnit} />
          <button type="submit" disabled={!file}>
            Replace prices
          </button>
        </div>
        <ProblemLine problem={problem} />
      </form>
    </div>
  );
}
