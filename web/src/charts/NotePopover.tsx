import { type FormEvent, useState } from "react";
import { type Annotation, annotationsApi } from "../api/annotations";
import { errorText } from "../api/client";
import { useHomeRole } from "../homes/home-role";
import { localTime, zonedInstant } from "./chart-data";

/** Where the person clicked: an instant and a place on the chart (px from its top left). */
export interface NoteDraft {
  at: string;
  left: number;
  top: number;
}

interface Props {
  draft: NoteDraft;
  /** The chart's meters, to pick which one the note is on when there are several. */
  meters: { id: string; name: string }[];
  zone: string;
  onDone(made: Annotation | null): void;
}

/** A datetime-local value ("2026-11-10T09:30") on the meter's clock. */
const fieldValue = (iso: string, zone: string) => localTime(iso, zone).slice(0, 16).replace(" ", "T");

/**
 * "Add a note here": a small form at the point clicked. The time fields are on the meter's clock
 * (its zone, as the chart's axis); an Until makes a range, which kind away needs.
 */
export function NotePopover({ draft, meters, zone, onDone }: Props) {
  const [text, setText] = useState("");
  const [kind, setKind] = useState<"note" | "away">("note");
  const [meterId, setMeterId] = useState(meters[0]?.id ?? "");
  const [from, setFrom] = useState(fieldValue(draft.at, zone));
  const [until, setUntil] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    try {
      const made = await annotationsApi.create({
        meterId,
        kind,
        text: text || (kind === "away" ? "Away" : ""),
        startsAt: zonedInstant(from, zone),
        ...(until ? { endsAt: zonedInstant(until, zone) } : {}),
      });
      onDone(made);
    } catch (caught) {
      setError(errorText(caught));
      setSaving(false);
    }
  }

  return (
    <form
      className="note-popover"
      aria-label="Add a note here"
      style={{ left: Math.max(4, draft.left - 160), top: Math.max(4, draft.top + 8) }}
      onSubmit={(event) => void save(event)}
    >
      <strong>Add a note here</strong>
      <label className="note-field">
        Note
        <input value={text} onChange={(e) => setText(e.target.value)} maxLength={500} placeholder="Heat pump installed" />
      </label>
      <div className="note-row">
        <label className="note-field">
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as "note" | "away")}>
            <option value="note">Note</option>
            <option value="away">Away (left out of forecasts)</option>
          </select>
        </label>
        {meters.length > 1 && (
          <label className="note-field">
            Meter
            <select value={meterId} onChange={(e) => setMeterId(e.target.value)}>
              {meters.map((meter) => (
                <option key={meter.id} value={meter.id}>
                  {meter.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <div className="note-row">
        <label className="note-field">
          From ({zone})
          <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} required />
        </label>
        <label className="note-field">
          Until {kind === "away" ? "" : "(for a range)"}
          <input type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} required={kind === "away"} />
        </label>
      </div>
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
      <footer className="note-actions">
        <button type="button" className="link" onClick={() => onDone(null)}>
          Cancel
        </button>
        <button type="submit" disabled={saving || (!text && kind === "note")}>
          Add note
        </button>
      </footer>
    </form>
  );
}

/** A note's label clicked: its whole text, and a way to delete it. */
export function NoteDetails({
  note,
  place,
  zone,
  onDone,
}: {
  note: Annotation;
  place: { left: number; top: number };
  zone: string;
  onDone(deleted: boolean): void;
}) {
  const [error, setError] = useState<string | null>(null);
  const { canEdit } = useHomeRole();
  const when = note.endsAt
    ? `${localTime(note.startsAt, zone).slice(0, 16)} – ${localTime(note.endsAt, zone).slice(0, 16)}`
    : localTime(note.startsAt, zone).slice(0, 16);
  async function remove() {
    try {
      await annotationsApi.remove(note.id);
      onDone(true);
    } catch (caught) {
      setError(errorText(caught));
    }
  }
  return (
    <div className="note-popover" role="dialog" aria-label="Note" style={{ left: Math.max(4, place.left - 160), top: place.top + 8 }}>
      <strong>{note.kind === "away" ? "Away" : "Note"}</strong>
      <p>{note.text}</p>
      <p className="muted small">
        {note.meterName} · {when} ({zone})
      </p>
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
      <footer className="note-actions">
        <button type="button" className="link" onClick={() => onDone(false)}>
          Close
        </button>
        {canEdit && (
          <button type="button" className="danger" onClick={() => void remove()}>
            Delete note
          </button>
        )}
      </footer>
    </div>
  );
}
