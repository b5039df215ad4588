import { z } from "zod";

export const Health = z.object({ ok: z.boolean(), db: z.enum(["ok", "down"]) }).meta({ id: "Health" });
export type Health = z.infer<typeof Health>;

/** loadMs: how long loading the runtime and the model took (absent when they did not load). */
export const ModelHealth = z.object({ ok: z.boolean(), model: z.string(), loadMs: z.number().optional() }).meta({ id: "ModelHealth" });
export type ModelHealth = z.infer<typeof ModelHealth>;
