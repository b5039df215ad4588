import { z } from "zod";
import { BUCKET_NAMES, Metric } from "../charts/chart-spec-contract";

export const SeriesPoint = z.object({ t: z.string(), avg: z.number(), min: z.number(), max: z.number(), sum: z.number(), count: z.int() });
export type SeriesPoint = z.infer<typeof SeriesPoint>;

export const MeterSeries = z.object({
  meterId: z.uuid(),
  name: z.string(),
  timezone: z.string(),
  from: z.string(),
  to: z.string(),
  bucket: z.enum(BUCKET_NAMES),
  points: z.array(SeriesPoint),
});
export type MeterSeries = z.infer<typeof MeterSeries>;

export const SingleSeries = MeterSeries.extend({ metric: Metric, unit: z.string() }).meta({ id: "Series" });
export const SeriesSet = z.object({ metric: Metric, unit: z.string(), series: z.array(MeterSeries) }).meta({ id: "SeriesSet" });
export type SeriesSet = z.infer<typeof SeriesSet>;
