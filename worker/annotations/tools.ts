import { implement } from "../chat/tools/tool";
import { meterByIdOrName } from "../meters/service";
import type { Annotation } from "./contract";
import { createAnnotation } from "./service";

/** "14 Nov 2026, 09:00" on the meter's clock; a local midnight is the day alone. */
function localWhen(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));
  const day = new Intl.DateTimeFormat("en-GB", { timeZone, day: "numeric", month: "short", year: "numeric" }).format(new Date(iso));
  return parts === "00:00" ? day : `${day}, ${parts}`;
}

/** Where the note sits, in words: "on 2 Dec 2026" or "from 10 Nov 2026 to 18 Nov 2026". */
function placeOf(note: Annotation, timeZone: string): string {
  return note.endsAt
    ? `from ${localWhen(note.startsAt, timeZone)} to ${localWhen(note.endsAt, timeZone)}`
    : `at ${localWhen(note.startsAt, timeZone)}`;
}

/** Chat tools over annotations: the operation the route calls, with a summary for the person. */
export const annotationTools = [
  implement("add_annotation", {
    async run(context, { meter: reference, ...note }) {
      const meter = await meterByIdOrName(context, reference);
      const made = await createAnnotation(context, { ...note, meterId: meter.id });
      const place = placeOf(made, meter.timezone);
      return {
        result: { id: made.id, meterId: made.meterId, kind: made.kind, text: made.text, startsAt: made.startsAt, endsAt: made.endsAt },
        summary:
          made.kind === "away"
            ? `Marked ${meter.name} as away ${place}: the charts show it, and the next forecast leaves those days out of its history.`
            : `Noted on ${meter.name} ${place}: “${made.text}”. The charts show it.`,
      };
    },
  }),
] as const;
