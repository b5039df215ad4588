import { localTime } from "./chart-data";

/** What a chart draws of a note: the owner's and a public viewer's alike. */
export interface DrawnNote {
  meterName: string;
  kind: "note" | "away";
  text: string;
  startsAt: string;
  endsAt: string | null;
}

const LABEL_LENGTH = 24;

/**
 * Notes as Plotly layers: a dotted line at a moment, a shaded band over a range (away in the
 * accent colour), each with a short label at the top whose hover shows the whole text. A range
 * is cut to the chart's window so it does not stretch the axis. Labels come in the notes' order.
 */
export function noteLayers(
  notes: DrawnNote[],
  zone: string,
  window: { from: string; to: string },
  colors: { note: string; away: string; text: string },
): { shapes: Partial<Plotly.Shape>[]; annotations: Partial<Plotly.Annotation>[] } {
  const clamp = (iso: string) =>
    new Date(Math.min(Math.max(Date.parse(iso), Date.parse(window.from)), Date.parse(window.to))).toISOString();
  const shapes: Partial<Plotly.Shape>[] = [];
  const annotations: Partial<Plotly.Annotation>[] = [];
  for (const note of notes) {
    const color = note.kind === "away" ? colors.away : colors.note;
    const x0 = localTime(clamp(note.startsAt), zone);
    if (note.endsAt) {
      const x1 = localTime(clamp(note.endsAt), zone);
      shapes.push({
        type: "rect",
        xref: "x",
        yref: "paper",
        x0,
        x1,
        y0: 0,
        y1: 1,
        fillcolor: color,
        opacity: 0.14,
        line: { width: 0 },
        layer: "below",
      });
    } else {
      shapes.push({ type: "line", xref: "x", yref: "paper", x0, x1: x0, y0: 0, y1: 1, line: { color, width: 1.5, dash: "dot" } });
    }
    const when = note.endsAt
      ? `${localTime(note.startsAt, zone).slice(0, 16)} – ${localTime(note.endsAt, zone).slice(0, 16)}`
      : localTime(note.startsAt, zone).slice(0, 16);
    const short = note.text.length > LABEL_LENGTH ? `${note.text.slice(0, LABEL_LENGTH - 1)}…` : note.text;
    annotations.push({
      xref: "x",
      yref: "paper",
      x: x0,
      y: 1,
      xanchor: "left",
      yanchor: "top",
      showarrow: false,
      text: `${note.kind === "away" ? "⌂" : "✎"} ${short}`,
      font: { size: 10, color: colors.text },
      bgcolor: "rgba(0,0,0,0)",
      hovertext: `${note.text}<br>${note.meterName} · ${when} (${zone})`,
      captureevents: true,
    });
  }
  return { shapes, annotations };
}
