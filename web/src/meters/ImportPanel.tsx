import { type DragEvent, useCallback, useEffect, useState } from "react";
import type { ChartSpec, TimeWindow } from "../../../worker/charts/chart-spec-contract";
import { IMPORT_FINISHED_EVENT, IMPORT_PROGRESS_EVENT, MAX_PREVIEW_BYTES } from "../../../worker/readings/import-contract";
import { errorText } from "../api/client";
import { type ImportJob, type ImportPreview, type ImportQuery, meterData } from "../api/meter-data";
import type { Meter } from "../api/wattboard";
import { ChartPlot } from "../charts/ChartPlot";
import type { LiveChannel } from "../live-socket";
import { ErrorLine } from "../ui/ErrorLine";

const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const count = new Intl.NumberFormat();
/** The end of a file read to find its last rows' times (a few lines are enough). */
const TAIL_BYTES = 4_096;
const TAIL_LINES = 10;

const UNIT_LABELS: Record<NonNullable<ImportPreview["unit"]>, string> = {
  kwh_per_interval: "kWh per interval (energy of the interval ending at each time)",
  average_w: "Average W (power over the interval ending at each time)",
  cumulative_kwh: "Cumulative kWh (a meter register that only grows)",
};

type Metric = "energy_wh" | "power_w";
type Stage =
  | { step: "idle" }
  | { step: "preview"; file: File; preview: ImportPreview; query: ImportQuery }
  | { step: "importing"; file: File; job: ImportJob | null; estimatedRows: number }
  | { step: "finished"; job: ImportJob };

/** The times of the readings the preview would store, oldest and newest. */
function span(preview: ImportPreview): [number, number] | null {
  const times = preview.rows.map((r) => Date.parse(r.reading.ts)).filter(Number.isFinite);
  return times.length ? [Math.min(...times), Math.max(...times)] : null;
}

/** Rows in the file, from the size of its first lines (for the progress bar; the socket gives the true counts). */
async function estimateRows(file: File): Promise<number> {
  const head = await file.slice(0, MAX_PREVIEW_BYTES).text();
  const lines = head.split("\n").length - 1;
  return lines > 0 ? Math.max(1, Math.round((file.size / head.length) * lines) - 1) : 1;
}

/**
 * The file's header and its last few lines, previewed by the server like the file itself: the
 * newest readings' times, so the chart can show the whole imported period (the preview shows the first rows only).
 */
async function tailOf(file: File): Promise<Blob> {
  const header = (await file.slice(0, 1_024).text()).split("\n")[0];
  // The first line of the slice is cut (or is the header, in a small file): dropped.
  const lines = (await file.slice(Math.max(0, file.size - TAIL_BYTES)).text()).split("\n").slice(1);
  const tail = lines.filter((line) => line.trim() !== "").slice(-TAIL_LINES);
  return new Blob([`${header}\n${tail.join("\n")}`], { type: "text/csv" });
}

/** Drop a CSV, see how it will be read, import it with progress, and see the history on the meter's chart. */
export function ImportPanel({
  meter,
  live,
  refresh,
}: {
  meter: Meter;
  live: LiveChannel | null /** Changes when readings arrived some other way. */;
  refresh: number;
}) {
  const [stage, setStage] = useState<Stage>({ step: "idle" });
  const [imports, setImports] = useState<ImportJob[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [chart, setChart] = useState<{ metric: Metric; window: TimeWindow; version: number }>({
    metric: "energy_wh",
    window: { kind: "relative", preset: "last_7d" },
    version: 0,
  });
  const report = useCallback((caught: unknown) => setError(errorText(caught)), []);

  const reloadImports = useCallback(() => meterData.listImports(meter.id).then(setImports, report), [meter.id, report]);
  useEffect(() => void reloadImports(), [reloadImports]);

  const importing = stage.step === "importing";
  // While the upload runs the job's id is not known yet: progress is matched by meter.
  useEffect(() => {
    if (!importing || !live) return;
    return live.subscribe((event) => {
      if (event.type !== IMPORT_PROGRESS_EVENT && event.type !== IMPORT_FINISHED_EVENT) return;
      const job = event.payload as ImportJob;
      if (job.meterId !== meter.id) return;
      setStage((current) => (current.step === "importing" ? { ...current, job } : current));
    });
  }, [importing, live, meter.id]);

  async function choose(file: File, query: ImportQuery = {}) {
    setError(null);
    try {
      const preview = await meterData.previewImport(meter.id, file.slice(0, MAX_PREVIEW_BYTES), query);
      setStage({ step: "preview", file, preview, query: { ...query, unit: query.unit ?? preview.unit ?? undefined } });
    } catch (caught) {
      report(caught);
    }
  }

  async function start(file: File, preview: ImportPreview, query: ImportQuery) {
    setError(null);
    setStage({ step: "importing", file, job: null, estimatedRows: await estimateRows(file) });
    try {
      const [job, tail] = await Promise.all([
        meterData.importCsv(meter.id, file, query),
        tailOf(file).then((blob) => meterData.previewImport(meter.id, blob, query).catch(() => null)),
      ]);
      const finished = job.status === "running" ? await untilFinished(job) : job;
      setStage({ step: "finished", job: finished });
      const head = span(preview);
      const end = tail ? span(tail) : null;
      if (head) {
        const from = new Date(head[0] - 3_600_000).toISOString();
        const to = new Date(Math.max(end?.[1] ?? head[1], head[0] + 3_600_000) + 3_600_000).toISOString();
        const metric: Metric = preview.rows.some((r) => r.reading.energy_wh !== undefined) ? "energy_wh" : "power_w";
        setChart((c) => ({ metric, window: { kind: "absolute", from, to }, version: c.version + 1 }));
      }
    } catch (caught) {
      report(caught);
      setStage({ step: "idle" });
    }
    await reloadImports();
  }

  /** The upload is in; the last rows may still be stored: wait for the finished event (or poll when offline). */
  function untilFinished(job: ImportJob): Promise<ImportJob> {
    return new Promise((resolve) => {
      const done = (current: ImportJob) => {
        if (current.status === "running") return;
        clearInterval(timer);
        unsubscribe?.();
        resolve(current);
      };
      const unsubscribe = live?.subscribe((event) => {
        if (event.type === IMPORT_FINISHED_EVENT && (event.payload as ImportJob).id === job.id) done(event.payload as ImportJob);
      });
      const timer = setInterval(() => void meterData.getImport(job.id).then(done, () => {}), 3_000);
    });
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) void choose(file);
  }

  const spec: ChartSpec = {
    meterIds: [meter.id],
    metric: chart.metric,
    aggregation: chart.metric === "energy_wh" ? "sum" : "avg",
    forecast: false,
    chartType: chart.metric === "energy_wh" ? "bar" : "line",
    window: chart.window,
    bucket: "auto",
    compare: null,
    untracked: false,
    breakdownStyle: "bars",
  };

  return (
    <section className="import-panel" aria-label={`Import history into ${meter.name}`}>
      <h4>Import history</h4>
      <ErrorLine error={error} />
      {(stage.step === "idle" || stage.step === "finished") && (
        <label
          className={dragging ? "drop-zone dragging" : "drop-zone"}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          data-testid="csv-drop"
        >
          <span>
            <strong>Drop a CSV here</strong> or <span className="link">choose a file</span>
          </span>
          <span className="muted">
            A supplier's export (Octopus Energy), Home Assistant's history, the Low Carbon London format, or <code>timestamp,value</code>.
            You see how it will be read before anything is stored.
          </span>
          <input
            type="file"
            accept=".csv,text/csv"
            className="visually-hidden"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = "";
              if (file) void choose(file);
            }}
          />
        </label>
      )}
      {stage.step === "preview" && (
        <PreviewView
          stage={stage}
          onQuery={(query) => void choose(stage.file, query)}
          onImport={() => void start(stage.file, stage.preview, stage.query)}
          onCancel={() => setStage({ step: "idle" })}
        />
      )}
      {stage.step === "importing" && <Progress job={stage.job} estimatedRows={stage.estimatedRows} name={stage.file.name} />}
      {stage.step === "finished" && <ImportResult job={stage.job} />}

      <div className="history-chart">
        <div className="row">
          <h5>History</h5>
          <select
            aria-label="History metric"
            value={chart.metric}
            onChange={(e) => setChart({ ...chart, metric: e.target.value as Metric })}
          >
            <option value="energy_wh">Energy</option>
            <option value="power_w">Power</option>
          </select>
          {chart.window.kind === "absolute" ? (
            <span className="muted">
              {when.format(new Date(chart.window.from))} – {when.format(new Date(chart.window.to))}{" "}
              <button
                type="button"
                className="link"
                onClick={() => setChart({ ...chart, window: { kind: "relative", preset: "last_7d" } })}
              >
                Last 7 days
              </button>
            </span>
          ) : (
            <span className="muted">Last 7 days</span>
          )}
        </div>
        <div className="chart-frame" data-testid="history-chart">
          <ChartPlot key={`${chart.version}.${refresh}`} spec={spec} live={live} />
        </div>
      </div>

      {imports.length > 0 && (
        <table className="token-table" aria-label="Recent imports">
          <thead>
            <tr>
              <th>Imported</th>
              <th>Status</th>
              <th>Stored</th>
              <th className="wide-only">Duplicates</th>
              <th>Errors</th>
            </tr>
          </thead>
          <tbody>
            {imports.map((job) => (
              <tr key={job.id}>
                <td>{when.format(new Date(job.createdAt))}</td>
                <td>{job.status}</td>
                <td>{count.format(job.rowsStored)}</td>
                <td className="wide-only">{count.format(job.duplicates)}</td>
                <td>{count.format(job.errors.length)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function PreviewView({
  stage,
  onQuery,
  onImport,
  onCancel,
}: {
  stage: Extract<Stage, { step: "preview" }>;
  onQuery: (query: ImportQuery) => void;
  onImport: () => void;
  onCancel: () => void;
}) {
  const { file, preview, query } = stage;
  const needsUnit = preview.units.length > 0;
  return (
    <section className="import-preview" aria-label="Import preview">
      <p>
        <strong>{file.name}</strong> ({count.format(Math.ceil(file.size / 1024))} kB): {preview.label}.
      </p>
      {needsUnit && (
        <label>
          The values are{" "}
          <select
            value={query.unit ?? ""}
            onChange={(e) => onQuery({ ...query, unit: (e.target.value || undefined) as ImportQuery["unit"] })}
          >
            {!query.unit && <option value="">Choose…</option>}
            {preview.units
              .flatMap((unit) => (unit ? [unit] : []))
              .map((unit) => (
                <option key={unit} value={unit}>
                  {UNIT_LABELS[unit]}
                </option>
              ))}
          </select>
        </label>
      )}
      {preview.series.length > 1 && (
        <label>
          Series{" "}
          <select value={query.series ?? preview.series[0]} onChange={(e) => onQuery({ ...query, series: e.target.value })}>
            {preview.series.map((series) => (
              <option key={series}>{series}</option>
            ))}
          </select>
        </label>
      )}
      <p className="muted">
        {preview.mapping}. Times without an offset are read in {preview.timezone}.
      </p>
      {preview.rows.length > 0 && (
        <table className="token-table" aria-label="First rows as they will be stored">
          <thead>
            <tr>
              <th>Line</th>
              <th>Stored at</th>
              <th>Energy (Wh)</th>
              <th>Power (W)</th>
            </tr>
          </thead>
          <tbody>
            {preview.rows.slice(0, 8).map(({ line, reading }) => (
              <tr key={line}>
                <td>{line}</td>
                <td>{when.format(new Date(reading.ts))}</td>
                <td>{reading.energy_wh ?? "–"}</td>
                <td>{reading.power_w ?? "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <RowErrors errors={preview.errors} />
      <div className="row">
        <button type="button" className="primary" onClick={onImport} disabled={needsUnit && !query.unit}>
          Import
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </section>
  );
}

function Progress({ job, estimatedRows, name }: { job: ImportJob | null; estimatedRows: number; name: string }) {
  const read = job?.rowsRead ?? 0;
  return (
    <div className="import-progress" role="status" aria-label="Import progress">
      <p>
        Importing <strong>{name}</strong>…
      </p>
      <progress max={estimatedRows} value={Math.min(read, estimatedRows)} data-testid="import-progress" />
      <p className="muted">
        {count.format(read)} rows read · {count.format(job?.rowsStored ?? 0)} stored · {count.format(job?.duplicates ?? 0)} already there
      </p>
    </div>
  );
}

function ImportResult({ job }: { job: ImportJob }) {
  return (
    <div className={job.status === "done" ? "import-result ok" : "import-result failed"} role="status" aria-label="Import result">
      <progress max={1} value={1} data-testid="import-progress" data-status={job.status} />
      <p>
        {job.status === "done" ? "✓ Imported: " : "Import failed: "}
        {count.format(job.rowsStored)} readings stored, {count.format(job.duplicates)} already there, {rowCount(job.errors.length)} with
        errors.
      </p>
      {job.failure && <p className="error">{job.failure}</p>}
      <RowErrors errors={job.errors} />
    </div>
  );
}

const rowCount = (n: number) => `${count.format(n)} ${n === 1 ? "row" : "rows"}`;

function RowErrors({ errors }: { errors: ImportJob["errors"] }) {
  if (errors.length === 0) return null;
  return (
    <details className="row-errors" open={errors.length <= 5}>
      <summary>{rowCount(errors.length)} cannot be read (skipped)</summary>
      <ul>
        {errors.map((e) => (
          <li key={e.line}>
            Line {e.line}: {e.message}
          </li>
        ))}
      </ul>
    </details>
  );
}
