import { z } from "zod";

/** The OpenAPI document's header: app.ts serves it, scripts/contracts builds the web client from it. */
export const API_DOCUMENT = {
  openapi: "3.1.0",
  info: {
    title: "Wattboard API",
    version: "0.1.0",
    description:
      "Energy dashboards, meters, forecasts and chat. Requests act in the person's personal home unless `?home=<id>` or the `X-Wattboard-Home` header names another home they belong to (a home they are not in answers 404); a row addressed by id is found in any of their homes.",
  },
} as const;

/** The answer to a DELETE that removed what it names. */
export const Deleted = z.object({ deleted: z.literal(true) }).meta({ id: "Deleted" });
export type Deleted = z.infer<typeof Deleted>;
