import { z } from "zod";
import { FlexibleAssets, TariffSetting } from "./energy-contract";

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return zone.includes("/") || zone === "UTC";
  } catch {
    return false;
  }
}

export const TimeZone = z.string().refine(isTimeZone, { message: "must be an IANA time zone such as Europe/London" });
export const MeterName = z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters");
export const MeterKind = z.enum(["site", "device"]);

export const CreateMeterBody = z
  .object({
    name: MeterName,
    timezone: TimeZone,
    kind: MeterKind.default("site"),
    /** A site meter of the same user; only device meters have a parent. */
    parentId: z.uuid().optional(),
  })
  .strict()
  .refine((b) => b.parentId === undefined || b.kind === "device", {
    path: ["parentId"],
    message: "only a device meter can have a parent site",
  })
  .meta({ id: "CreateMeterBody" });
export type CreateMeterBody = z.infer<typeof CreateMeterBody>;

export const UpdateMeterBody = z
  .object({
    name: MeterName.optional(),
    timezone: TimeZone.optional(),
    parentId: z.uuid().nullable().optional(),
    /** null: no tariff of its own (a device pays its site's; otherwise costs are unknown). */
    tariff: TariffSetting.nullable().optional(),
    assets: FlexibleAssets.nullable().optional(),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), {
    message: "give at least one of name, timezone, parentId, tariff, assets",
  })
  .meta({ id: "UpdateMeterBody" });
export type UpdateMeterBody = z.infer<typeof UpdateMeterBody>;

export const Meter = z
  .object({
    id: z.uuid(),
    name: z.string(),
    timezone: z.string(),
    kind: MeterKind,
    parentId: z.uuid().nullable(),
    lastReadingAt: z.string().nullable(),
    tariff: TariffSetting.nullable(),
    assets: FlexibleAssets.nullable(),
    createdAt: z.string(),
    webhookUrl: z.string(),
  })
  .meta({ id: "Meter" });
export type Meter = z.infer<typeof Meter>;

export const MeterList = z.object({ meters: z.array(Meter) }).meta({ id: "MeterList" });
export type MeterList = z.infer<typeof MeterList>;

export const WebhookCredentials = z.object({
  url: z.string(),
  /** Shown once: at creation and at each rotation. */
  secret: z.string(),
  /** After a rotation, until when the previous secret is still accepted. */
  previousSecretValidUntil: z.string().nullable(),
});

export const MeterWithWebhook = Meter.extend({ webhook: WebhookCredentials }).meta({ id: "MeterWithWebhook" });

/** Deleting a meter deletes its readings too, so the caller repeats the meter's id to confirm. */
export const DeleteMeterQuery = z.object({ confirm: z.string().optional() }).meta({ id: "DeleteMeterQuery" });

export const MeterDeleted = z.object({ deleted: z.literal(true), readingsDeleted: z.int() }).meta({ id: "MeterDeleted" });
export type MeterDeleted = z.infer<typeof MeterDeleted>;
