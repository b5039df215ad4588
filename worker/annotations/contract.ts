import { z } from "zod";

/** An annotation's range may span at most this long ("a year", leap years included). */
export const MAX_RANGE_MS = 366 * 86_400_000;
export const ANNOTATION_KINDS = ["note", "away"] as const;

const Instant = z.iso.datetime({ offset: true });
const Kind = z
  .enum(ANNOTATION_KINDS)
  .describe("note: something to remember; away: nobody home, left out of the forecast's history and of the unusual-day finding");
const Text = z.string().trim().min(1).max(500);

/**
 * What is wrong with a range, naming the field: the one rule for a new annotation and a changed
 * one (whose ends may come partly from the stored row). Undefined when it is fine.
 */
export function rangeProblem(range: { kind: string; startsAt: string; endsAt?: string | null }) {
  if (range.endsAt === null || range.endsAt === undefined) {
    return range.kind === "away" ? { path: "endsAt", message: "an away annotation needs an end (it covers a range)" } : undefined;
  }
  const span = Date.parse(range.endsAt) - Date.parse(range.startsAt);
  if (span <= 0) return { path: "endsAt", message: "must be later than startsAt" };
  if (span > MAX_RANGE_MS) return { path: "endsAt", message: "a range may span at most a year" };
  return undefined;
}

function checkRange(range: { kind: string; startsAt: string; endsAt?: string | null }, ctx: z.RefinementCtx) {
  const problem = rangeProblem(range);
  if (problem) ctx.addIssue({ code: "custom", path: [problem.path], message: problem.message });
}

const createShape = {
  kind: Kind.default("note"),
  text: Text.describe("what happened, in the person's words: heat pump installed, away"),
  startsAt: Instant.describe("the moment, or the start of the range (inclusive)"),
  endsAt: Instant.optional().describe("the end of the range (exclusive); leave out for a moment"),
};

export const CreateAnnotationBody = z
  .object({ meterId: z.uuid(), ...createShape })
  .strict()
  .superRefine(checkRange)
  .meta({ id: "CreateAnnotationBody" });
export type CreateAnnotationBody = z.infer<typeof CreateAnnotationBody>;

/** The chat's input: the meter by id or by name, as the other chat tools take it. */
export const AnnotationInput = z
  .object({ meter: z.string().trim().min(1).max(200).describe("the meter's id, or its name (any case)"), ...createShape })
  .strict()
  .superRefine(checkRange);
export type AnnotationInput = z.infer<typeof AnnotationInput>;

/** endsAt null makes a range a moment again; the range rule is checked against what is stored. */
export const UpdateAnnotationBody = z
  .object({ kind: Kind.optional(), text: Text.optional(), startsAt: Instant.optional(), endsAt: Instant.nullable().optional() })
  .strict()
  .meta({ id: "UpdateAnnotationBody" });
export type UpdateAnnotationBody = z.infer<typeof UpdateAnnotationBody>;

export const AnnotationListQuery = z
  .object({
    meterId: z.uuid().describe("the meter whose charts are drawn: its notes, its site's and its devices'"),
    from: Instant.optional().describe("only those ending at or after this instant"),
    to: Instant.optional().describe("only those starting before this instant"),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { path: ["to"], message: "must be later than from" })
  .meta({ id: "AnnotationListQuery" });
export type AnnotationListQuery = z.infer<typeof AnnotationListQuery>;

export const Annotation = z
  .object({
    id: z.uuid(),
    meterId: z.uuid(),
    meterName: z.string(),
    kind: z.enum(ANNOTATION_KINDS),
    text: z.string(),
    startsAt: z.string(),
    /** null: a moment. */
    endsAt: z.string().nullable(),
    /** The user who wrote it (null once their account is gone). */
    createdBy: z.uuid().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "Annotation" });
export type Annotation = z.infer<typeof Annotation>;

export const AnnotationList = z.object({ annotations: z.array(Annotation) }).meta({ id: "AnnotationList" });
export type AnnotationList = z.infer<typeof AnnotationList>;

/** What a public viewer sees of a note: no ids, no author. */
export const PublicAnnotation = Annotation.pick({ meterName: true, kind: true, text: true, startsAt: true, endsAt: true });
export type PublicAnnotation = z.infer<typeof PublicAnnotation>;
