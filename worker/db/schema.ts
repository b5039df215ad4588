import { index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import type { ChartLayout, ChartProvenance, ChartSpec } from "../schemas/chart-spec";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

/** One row per auth subject (the Supabase user id, or the dev sign-in's derived id). */
export const users = pgTable("users", {
  id: uuid("id").primaryKey(),
  email: text("email"),
  createdAt: createdAt(),
});

export const tabs = pgTable(
  "tabs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    position: integer("position").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("tabs_owner_position_idx").on(t.ownerId, t.position)],
);

export const charts = pgTable(
  "charts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tabId: uuid("tab_id")
      .notNull()
      .references(() => tabs.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    spec: jsonb("spec").$type<ChartSpec>().notNull(),
    layout: jsonb("layout").$type<ChartLayout>().notNull(),
    source: text("source", { enum: ["manual", "chat"] }).notNull().default("manual"),
    provenance: jsonb("provenance").$type<ChartProvenance>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("charts_tab_idx").on(t.tabId), index("charts_owner_idx").on(t.ownerId)],
);
