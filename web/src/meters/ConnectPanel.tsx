import { type FormEvent, useCallback, useEffect, useState } from "react";
import { errorText } from "../api/client";
import { type CreatedWriteToken, type IgnoredField, meterData, type WriteToken } from "../api/meter-data";
import type { Meter } from "../api/wattboard";
import { ErrorLine } from "../ui/ErrorLine";
import { RevokeButton } from "../ui/RevokeButton";
import { type ConnectionSnippet, connectionSnippets } from "./connection-snippets";

const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const TOKEN_PLACEHOLDER = "YOUR_WRITE_TOKEN";
/** While a new token is shown and unused, how often to look for its first write. */
const FIRST_WRITE_POLL_MS = 3_000;

function copy(text: string, report: (caught: unknown) => void) {
  void navigator.clipboard?.writeText(text).catch(report);
}

/**
 * How a site meter's senders connect: write tokens (created here, shown once), a ready snippet per
 * tool with the app's URL and the new token in it, and the fields those senders write that map to nothing.
 * A device meter gets its readings through its site's tokens.
 */
export function ConnectPanel({
  meter,
  site,
  onOpenSite,
  onFirstWrite,
}: {
  meter: Meter;
  site?: Meter;
  onOpenSite: (siteId: string) => void;
  /** A new token wrote for the first time: readings have arrived. */
  onFirstWrite: () => void;
}) {
  if (meter.kind === "device") {
    return (
      <section className="connect-panel" aria-label={`Connect ${meter.name}`}>
        <h4>Connect</h4>
        <p className="muted">
          A device meter connects through its site: senders write with the site's token and a <code>meter</code> tag (or Home Assistant's{" "}
          <code>entity_id</code>) naming this meter.{" "}
          {site ? (
            <button type="button" className="link" onClick={() => onOpenSite(site.id)}>
              Connect {site.name}
            </button>
          ) : (
            "Give it a site first."
          )}
        </p>
        <IgnoredFields meterId={meter.id} />
      </section>
    );
  }
  return <SiteConnect meter={meter} onFirstWrite={onFirstWrite} />;
}

function SiteConnect({ meter, onFirstWrite }: { meter: Meter; onFirstWrite: () => void }) {
  const [tokens, setTokens] = useState<WriteToken[] | null>(null);
  const [created, setCreated] = useState<CreatedWriteToken | null>(null);
  const [name, setName] = useState("Home Assistant");
  const [error, setError] = useState<string | null>(null);
  const report = useCallback((caught: unknown) => setError(errorText(caught)), []);

  const reload = useCallback(() => meterData.listWriteTokens(meter.id).then(setTokens, report), [meter.id, report]);
  useEffect(() => void reload(), [reload]);

  // The new token's first write shows here, the way a new meter's first reading does.
  const firstWriteAt = created ? (tokens?.find((t) => t.id === created.id)?.lastUsedAt ?? null) : null;
  const waiting = Boolean(created) && !firstWriteAt;
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(reload, FIRST_WRITE_POLL_MS);
    return () => clearInterval(timer);
  }, [waiting, reload]);
  useEffect(() => {
    if (firstWriteAt) onFirstWrite();
  }, [firstWriteAt, onFirstWrite]);

  async function create(event: FormEvent) {
    event.preventDefault();
    try {
      setCreated(await meterData.createWriteToken(meter.id, name));
      setError(null);
      await reload();
    } catch (caught) {
      report(caught);
    }
  }

  async function revoke(token: WriteToken) {
    if (!confirm(`Revoke "${token.name}"? Anything still writing with it gets 401 from now on.`)) return;
    try {
      await meterData.revokeWriteToken(meter.id, token.id);
      if (created?.id === token.id) setCreated(null);
      await reload();
    } catch (caught) {
      report(caught);
    }
  }

  const snippets = connectionSnippets({ appUrl: location.origin, token: created?.token ?? TOKEN_PLACEHOLDER, meterId: meter.id });
  return (
    <section className="connect-panel" aria-label={`Connect ${meter.name}`}>
      <h4>Connect</h4>
      <p className="muted">
        Home Assistant, Telegraf, IoTaWatt, Node-RED and the InfluxDB clients write to <code>{location.origin}</code> as if it were InfluxDB
        2, with a write token of this site. A token writes to this site and its device meters, and reads nothing.
      </p>
      <ErrorLine error={error} />
      <form className="inline" onSubmit={create}>
        <label>
          Token name <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit" className="primary">
          Create write token
        </button>
      </form>
      {created && (
        <div className="new-token" role="status" aria-label="New write token">
          <p>
            <strong>Copy this token now: you will not see it again.</strong> Only its hash is kept; if it is lost, create another.
          </p>
          <p className={firstWriteAt ? "first-reading ok" : "first-reading muted"}>
            {firstWriteAt
              ? `✓ First write received (${when.format(new Date(firstWriteAt))}).`
              : "Waiting for the first write… paste a snippet below into your tool, or run a curl one."}
          </p>
          <div className="inline">
            <code data-testid="write-token">{created.token}</code>
            <button type="button" onClick={() => copy(created.token, report)}>
              Copy token
            </button>
            <button type="button" onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
        </div>
      )}
      <Snippets snippets={snippets} filled={Boolean(created)} report={report} />
      {tokens && tokens.length > 0 && (
        <table className="token-table" aria-label="Write tokens">
          <thead>
            <tr>
              <th>Name</th>
              <th>Created</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr key={token.id}>
                <td>
                  {token.name} <code className="muted wide-only">{token.prefix}…</code>
                </td>
                <td>{when.format(new Date(token.createdAt))}</td>
                <td>{token.lastUsedAt ? when.format(new Date(token.lastUsedAt)) : "Never"}</td>
                <td className="actions">
                  <RevokeButton onRevoke={() => void revoke(token)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <IgnoredFields meterId={meter.id} />
    </section>
  );
}

function Snippets({ snippets, filled, report }: { snippets: ConnectionSnippet[]; filled: boolean; report: (caught: unknown) => void }) {
  const [chosen, setChosen] = useState<ConnectionSnippet["id"]>("home-assistant");
  const snippet = snippets.find((s) => s.id === chosen) ?? snippets[0];
  return (
    <div className="snippets">
      <div className="segmented" role="tablist" aria-label="Ready configuration">
        {snippets.map((s) => (
          <button key={s.id} type="button" role="tab" aria-selected={s.id === chosen} onClick={() => setChosen(s.id)}>
            {s.title}
          </button>
        ))}
      </div>
      <p className="muted">
        {snippet.where}.{!filled && ` Create a token above and it is filled in for ${TOKEN_PLACEHOLDER}.`}
      </p>
      <pre className="snippet" data-testid={`snippet-${snippet.id}`}>
        {snippet.text}
      </pre>
      <button type="button" onClick={() => copy(snippet.text, report)}>
        Copy {snippet.title}
      </button>
    </div>
  );
}

/** What the meter's senders write that maps to no metric, so nothing is dropped without a word. */
function IgnoredFields({ meterId }: { meterId: string }) {
  const [fields, setFields] = useState<IgnoredField[]>([]);
  useEffect(() => {
    meterData.ignoredFields(meterId).then(setFields, () => setFields([]));
  }, [meterId]);
  if (fields.length === 0) return null;
  return (
    <div className="ignored-fields">
      <h5>Ignored fields</h5>
      <p className="muted">
        Written by a sender but matching no metric (name a field after one, e.g. <code>power_w</code>, or send Home Assistant's unit).
      </p>
      <ul>
        {fields.map((field) => (
          <li key={field.field}>
            <code>{field.field}</code>{" "}
            <span className="muted">
              × {field.count}, last {when.format(new Date(field.lastSeenAt))}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
