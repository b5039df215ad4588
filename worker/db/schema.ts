import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { AlertRuleParams } from "../alerts/rules-contract";
import type { ChartLayout, ChartProvenance, ChartSpec } from "../charts/chart-spec-contract";
import type { EngineTurnContext, ToolPermissions } from "../chat/contract";
import { HOME_ROLES } from "../homes/contract";
import type { FlexibleAssets, TariffSetting } from "../meters/energy-contract";
import type { ChatQuote } from "../notifications/contract";
import type { ReportContent } from "../reports/contract";
import { FORECAST_METHODS, type ModelRunFigures, type ModelRunFinding, type ModelRunPlanHour } from "../runs/contract";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

/** The user a personal row belongs to (chat, notifications, channels); deleting the user deletes it. */
const ownerId = () =>
  uuid("owner_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" });

/**
 * The home a shared row belongs to; deleting the home deletes it. The column keeps its old name
 * owner_id: a user's personal home has the user's id, so migration 0019 moved every row into it by
 * changing only the foreign key, and the queries that filter by it stayed as they were.
 */
const homeId = () =>
  uuid("owner_id")
    .notNull()
    .references((): AnyPgColumn => homes.id, { onDelete: "cascade" });

/** The meter a row belongs to; deleting the meter deletes it. */
const meterId = () =>
  uuid("meter_id")
    .notNull()
    .references((): AnyPgColumn => meters.id, { onDelete: "cascade" });

/** One row per auth subject (the Supabase user id, or the dev sign-in's derived id). */
export const users = pgTable("users", {
  id: uuid("id").primaryKey(),
  email: text("email"),
  createdAt: createdAt(),
});

/**
 * What members share: meters, tabs, charts, tariffs, shares, write tokens, rules, reports. Each
 * user has a personal home whose id is the user's id (made at first sign-in, users/queries.ts).
 */
export const homes = pgTable("homes", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  /** Days raw readings are kept (rollups are kept for good); null keeps them for good too. */
  rawRetentionDays: smallint("raw_retention_days"),
  createdAt: createdAt(),
});

export const homeMembers = pgTable(
  "home_members",
  {
    homeId: uuid("home_id")
      .notNull()
      .references(() => homes.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: HOME_ROLES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.homeId, t.userId] }), index("home_members_user_idx").on(t.userId)],
);

/** A link that makes its bearer a member: single use, 7 days. Only the token's SHA-256 is stored. */
export const homeInvites = pgTable(
  "home_invites",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    homeId: uuid("home_id")
      .notNull()
      .references(() => homes.id, { onDelete: "cascade" }),
    role: text("role", { enum: HOME_ROLES }).notNull(),
    tokenHash: text("token_hash").notNull(),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    usedBy: uuid("used_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("home_invites_token_hash_idx").on(t.tokenHash), index("home_invites_home_idx").on(t.homeId)],
);

/** Who did what in a home, and when: kept a year (scheduled.ts); `detail` never holds a secret. */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    homeId: uuid("home_id")
      .notNull()
      .references(() => homes.id, { onDelete: "cascade" }),
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    action: text("action").notNull(),
    targetKind: text("target_kind").notNull(),
    targetId: text("target_id"),
    detail: jsonb("detail").$type<Record<string, string | number | boolean | null>>(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("audit_events_home_at_idx").on(t.homeId, t.at), index("audit_events_at_idx").on(t.at)],
);

export const tabs = pgTable(
  "tabs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: homeId(),
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
    ownerId: homeId(),
    tabId: uuid("tab_id")
      .notNull()
      .references(() => tabs.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    spec: jsonb("spec").$type<ChartSpec>().notNull(),
    layout: jsonb("layout").$type<ChartLayout>().notNull(),
    source: text("source", { enum: ["manual", "chat"] })
      .notNull()
      .default("manual"),
    provenance: jsonb("provenance").$type<ChartProvenance>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("charts_tab_idx").on(t.tabId), index("charts_owner_idx").on(t.ownerId)],
);

export const meters = pgTable(
  "meters",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: homeId(),
    name: text("name").notNull(),
    /** IANA zone: calendar buckets (days, weeks, months) follow the meter's local time. */
    timezone: text("timezone").notNull(),
    kind: text("kind", { enum: ["site", "device"] })
      .notNull()
      .default("site"),
    /** A device sub-meter sits under a site meter of the same owner. */
    parentId: uuid("parent_id").references((): AnyPgColumn => meters.id, { onDelete: "set null" }),
    /**
     * Webhook secrets are never stored: each is derived from the Worker's WEBHOOK_SECRET_KEY, the
     * meter id and this version. Rotating bumps the version; the previous one stays valid until
     * previous_key_expires_at.
     */
    webhookKeyVersion: integer("webhook_key_version").notNull().default(1),
    previousKeyVersion: integer("previous_key_version"),
    previousKeyExpiresAt: timestamp("previous_key_expires_at", { withTimezone: true }),
    lastReadingAt: timestamp("last_reading_at", { withTimezone: true }),
    /**
     * What the sender calls this meter (Home Assistant's entity_id, a Telegraf `meter` tag): a
     * device meter created by a write is found again by it, whatever the person renames it to.
     */
    externalId: text("external_id"),
    /** null: the planner uses a flat default price and says so. */
    tariff: jsonb("tariff").$type<TariffSetting>(),
    assets: jsonb("assets").$type<FlexibleAssets>(),
    /**
     * The meter's typical interval between readings (ms): the cap of the energy model (a span lasts
     * at most 1.5 x this). Stored so raw energy queries and the rollups use the same value; null
     * until a batch gives two readings.
     */
    readingIntervalMs: doublePrecision("reading_interval_ms"),
    /** false: every read uses the raw readings (always exact) until rebuildRollups sets it again. */
    rollupsReady: boolean("rollups_ready").notNull().default(false),
    /** Retention watermark: raw readings before it were deleted; rollup hours before it are never recomputed. */
    rawKeptFrom: timestamp("raw_kept_from", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("meters_owner_idx").on(t.ownerId),
    index("meters_parent_idx").on(t.parentId),
    uniqueIndex("meters_parent_external_id_idx").on(t.parentId, t.externalId),
  ],
);

/**
 * One row per meter and instant. The primary key (meter_id, ts) is also the index every series
 * query uses: a range scan of one meter's readings in time order. energy_wh is the energy of the
 * interval that ends at ts.
 */
export const readings = pgTable(
  "readings",
  {
    meterId: meterId(),
    ts: timestamp("ts", { withTimezone: true }).notNull(),
    powerW: doublePrecision("power_w"),
    energyWh: doublePrecision("energy_wh"),
    voltageV: doublePrecision("voltage_v"),
    currentA: doublePrecision("current_a"),
    powerFactor: doublePrecision("power_factor"),
    thdPct: doublePrecision("thd_pct"),
  },
  (t) => [primaryKey({ columns: [t.meterId, t.ts] })],
);

/**
 * Sum, count of non-null values, min and max of each plain reading column, per rollup row (sum, min
 * and max null when the count is 0).
 */
const rollupAggregates = () => ({
  powerSum: doublePrecision("power_w_sum"),
  powerCount: integer("power_w_count").notNull().default(0),
  powerMin: doublePrecision("power_w_min"),
  powerMax: doublePrecision("power_w_max"),
  energySum: doublePrecision("energy_wh_sum"),
  energyCount: integer("energy_wh_count").notNull().default(0),
  energyMin: doublePrecision("energy_wh_min"),
  energyMax: doublePrecision("energy_wh_max"),
  voltageSum: doublePrecision("voltage_v_sum"),
  voltageCount: integer("voltage_v_count").notNull().default(0),
  voltageMin: doublePrecision("voltage_v_min"),
  voltageMax: doublePrecision("voltage_v_max"),
  currentSum: doublePrecision("current_a_sum"),
  currentCount: integer("current_a_count").notNull().default(0),
  currentMin: doublePrecision("current_a_min"),
  currentMax: doublePrecision("current_a_max"),
  powerFactorSum: doublePrecision("power_factor_sum"),
  powerFactorCount: integer("power_factor_count").notNull().default(0),
  powerFactorMin: doublePrecision("power_factor_min"),
  powerFactorMax: doublePrecision("power_factor_max"),
  thdSum: doublePrecision("thd_pct_sum"),
  thdCount: integer("thd_pct_count").notNull().default(0),
  thdMin: doublePrecision("thd_pct_min"),
  thdMax: doublePrecision("thd_pct_max"),
});

/** The energy model's integral inside a rollup row (see readings/queries.ts energyQuery): spans cut at the row's edges. */
const rollupEnergy = () => ({
  integralWh: doublePrecision("integral_wh").notNull().default(0),
  coveredMs: doublePrecision("covered_ms").notNull().default(0),
  /** Readings with power_w or energy_wh whose ts lies in the row's hour or day. */
  readings: integer("readings").notNull().default(0),
});

/** One row per meter and UTC hour with readings or energy in it; kept exact in the insert's transaction. */
export const readingRollupsHourly = pgTable(
  "reading_rollups_hourly",
  {
    meterId: meterId(),
    /** The UTC hour's start. */
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    ...rollupAggregates(),
    ...rollupEnergy(),
    /** The integral per 15-minute quarter of the hour (for cost). */
    quarterWh: doublePrecision("quarter_wh").array().notNull(),
    /**
     * The highest power held in the hour (energy model spans, as the raw whole-window peak reads
     * them) and the start of the latest span that held it, unclipped (epoch ms): a window's peak is
     * the highest of its hours', its instant clipped to the window's start. Null without spans.
     */
    peakW: doublePrecision("peak_w"),
    peakStartMs: doublePrecision("peak_start_ms"),
  },
  (t) => [primaryKey({ columns: [t.meterId, t.hour] })],
);

/**
 * One row per meter and local day of its zone, the sum/min/max of that day's hourly rows; only for
 * days whose local midnights (both) are whole UTC hours.
 */
export const readingRollupsDaily = pgTable(
  "reading_rollups_daily",
  {
    meterId: meterId(),
    /** The local midnight instant that starts the day in the meter's zone. */
    day: timestamp("day", { withTimezone: true }).notNull(),
    ...rollupAggregates(),
    ...rollupEnergy(),
  },
  (t) => [primaryKey({ columns: [t.meterId, t.day] })],
);

/** One forecast and plan of one meter; written in one statement, never half. */
export const modelRuns = pgTable(
  "model_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    meterId: meterId(),
    ownerId: homeId(),
    trigger: text("trigger", { enum: ["auto", "manual"] }).notNull(),
    modelVersion: text("model_version").notNull(),
    /** The 168 h of history the forecast read. */
    inputFrom: timestamp("input_from", { withTimezone: true }).notNull(),
    inputTo: timestamp("input_to", { withTimezone: true }).notNull(),
    /** 24 hourly kWh values from inputTo: the forecast the plan used. */
    forecastKwh: jsonb("forecast_kwh").$type<number[]>().notNull(),
    /** The band around it: 10 % and 90 % quantiles (null in runs before quantiles). */
    forecastP10: jsonb("forecast_p10").$type<number[]>(),
    forecastP90: jsonb("forecast_p90").$type<number[]>(),
    /** Where forecastKwh came from: the model, or the better persistence baseline while the model does worse. */
    forecastMethod: text("forecast_method", { enum: FORECAST_METHODS }).notNull().default("model"),
    /** The model's own forecast when the run used a baseline, so the model keeps being scored and can recover. */
    modelForecastKwh: jsonb("model_forecast_kwh").$type<number[]>(),
    plan: jsonb("plan").$type<ModelRunPlanHour[]>().notNull(),
    figures: jsonb("figures").$type<ModelRunFigures>().notNull(),
    findings: jsonb("findings").$type<ModelRunFinding[]>().notNull(),
    createdAt: createdAt(),
  },
  // By issue hour too: accuracy scores the runs issued over a window.
  (t) => [index("model_runs_meter_created_idx").on(t.meterId, t.createdAt), index("model_runs_meter_issued_idx").on(t.meterId, t.inputTo)],
);

/** What the person is told; Postgres holds it so every device and page sees the same inbox. */
export const notifications = pgTable(
  "notifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: ownerId(),
    meterId: uuid("meter_id").references(() => meters.id, { onDelete: "cascade" }),
    runId: uuid("run_id").references(() => modelRuns.id, { onDelete: "set null" }),
    kind: text("kind").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    /** The earlier chat the text quotes, with links to the sessions. */
    context: jsonb("context").$type<ChatQuote[]>().notNull(),
    /** Composed during the person's quiet hours: in the inbox, but no alert. */
    silent: boolean("silent").notNull().default(false),
    /** A page of the app the notification opens (a report's /reports/:id); null for none. */
    link: text("link"),
    /** The alert rule that fired or resolved: the bell silences it from the notification. */
    alertRuleId: uuid("alert_rule_id").references((): AnyPgColumn => alertRules.id, { onDelete: "set null" }),
    readAt: timestamp("read_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index("notifications_owner_created_idx").on(t.ownerId, t.createdAt),
    index("notifications_meter_kind_idx").on(t.meterId, t.kind, t.createdAt),
  ],
);

export const notificationSettings = pgTable("notification_settings", {
  ownerId: uuid("owner_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  /** Finding kinds the person does not want to hear about. */
  mutedKinds: text("muted_kinds").array().notNull().default([]),
  /** Local hours [from, to) without alerts; null for none. */
  quietFromHour: smallint("quiet_from_hour"),
  quietToHour: smallint("quiet_to_hour"),
  timezone: text("timezone").notNull().default("UTC"),
  updatedAt: updatedAt(),
});

/** A person's own chat agents: instructions that shape the chat, and what each may do. */
export const agents = pgTable(
  "agents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: ownerId(),
    name: text("name").notNull(),
    instructions: text("instructions").notNull(),
    permissions: jsonb("permissions").$type<ToolPermissions>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("agents_owner_idx").on(t.ownerId)],
);

/** Chat-wide rules that override every agent. */
export const chatSettings = pgTable("chat_settings", {
  ownerId: uuid("owner_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  rules: jsonb("rules").$type<ToolPermissions>().notNull(),
  askTimeoutSeconds: integer("ask_timeout_seconds").notNull().default(60),
  updatedAt: updatedAt(),
});

/**
 * An LLM engine's own conversation (an opencode session) behind one of the person's chat sessions.
 * The engine calls tools back with only its session id: this row says whose chat it is, and `turn`
 * which message is being answered (null between turns, so a stray call finds nothing to act for).
 */
export const chatEngineSessions = pgTable(
  "chat_engine_sessions",
  {
    engineSessionId: text("engine_session_id").primaryKey(),
    ownerId: ownerId(),
    chatSessionId: text("chat_session_id").notNull(),
    engine: text("engine").notNull(),
    turn: jsonb("turn").$type<EngineTurnContext>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("chat_engine_sessions_chat_idx").on(t.ownerId, t.chatSessionId, t.engine)],
);

/** A public link to one chart or one tab. The token is the only key: 256 random bits. */
export const shares = pgTable(
  "shares",
  {
    token: text("token").primaryKey(),
    ownerId: homeId(),
    kind: text("kind", { enum: ["chart", "tab"] }).notNull(),
    targetId: uuid("target_id").notNull(),
    /** Viewers may pick another time range; otherwise the chart's own window is used. */
    viewerMayChangeRange: boolean("viewer_may_change_range").notNull().default(false),
    /** Viewers see the notes on the shared charts' meters (annotations); off unless the owner chooses. */
    showAnnotations: boolean("show_annotations").notNull().default(false),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    /** Loads that missed the edge cache (which holds a share for 10 s). */
    viewCount: integer("view_count").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    index("shares_owner_idx").on(t.ownerId),
    index("shares_target_idx").on(t.targetId),
    /** One link per target that is not revoked: renewing or replacing an expired link revokes it first. */
    uniqueIndex("shares_one_unrevoked_per_target_idx").on(t.ownerId, t.kind, t.targetId).where(sql`${t.revokedAt} is null`),
  ],
);

/**
 * Write tokens of a site meter: they write readings to the site and its device meters and read
 * nothing. Only the SHA-256 of the token is stored; the token itself is shown once.
 */
export const meterWriteTokens = pgTable(
  "meter_write_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: homeId(),
    meterId: meterId(),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull(),
    /** The token's first characters, so a person can tell their tokens apart. */
    prefix: text("prefix").notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("meter_write_tokens_hash_idx").on(t.tokenHash), index("meter_write_tokens_meter_idx").on(t.meterId)],
);

/**
 * Cumulative energy registers as received (a kWh counter that only grows until it resets): the
 * energy of each interval is derived from consecutive register values, so a batch sent twice, or
 * in pieces, gives the same intervals.
 */
export const energyRegisters = pgTable(
  "energy_registers",
  {
    meterId: meterId(),
    ts: timestamp("ts", { withTimezone: true }).notNull(),
    totalWh: doublePrecision("total_wh").notNull(),
  },
  (t) => [primaryKey({ columns: [t.meterId, t.ts] })],
);

/** Fields a sender writes that map to no metric, shown on the meter page so nothing is lost silently. */
export const ignoredFields = pgTable(
  "ignored_fields",
  {
    meterId: meterId(),
    field: text("field").notNull(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull(),
    count: integer("count").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.meterId, t.field] })],
);

/** A history import of one CSV file into a meter: its progress and the first errors by line. */
export const readingImports = pgTable(
  "reading_imports",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: homeId(),
    meterId: meterId(),
    status: text("status", { enum: ["running", "done", "failed"] })
      .notNull()
      .default("running"),
    /** The detected format (generic, octopus, home_assistant, low_carbon_london) and the unit chosen. */
    format: text("format").notNull(),
    unit: text("unit"),
    rowsRead: integer("rows_read").notNull().default(0),
    rowsStored: integer("rows_stored").notNull().default(0),
    duplicates: integer("duplicates").notNull().default(0),
    errors: jsonb("errors").$type<{ line: number; message: string }[]>().notNull().default([]),
    /** Why a failed import stopped, in words for the person. */
    failure: text("failure"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("reading_imports_meter_idx").on(t.meterId)],
);

/**
 * An imported price series: `prices[i]` is the price per kWh of the slot starting at
 * starts_at + i * slot_minutes. Replacing the prices rewrites the row in one statement, so the
 * meters paying it never see half of the old series and half of the new.
 */
export const tariffs = pgTable(
  "tariffs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: homeId(),
    name: text("name").notNull(),
    currency: text("currency").notNull(),
    standingChargePerDay: doublePrecision("standing_charge_per_day"),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    slotMinutes: integer("slot_minutes").notNull(),
    prices: doublePrecision("prices").array().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("tariffs_owner_idx").on(t.ownerId)],
);

/**
 * Where alerts go besides the app: an ntfy topic, a Slack or Discord incoming webhook, a Home
 * Assistant webhook trigger, or a generic JSON webhook signed as Standard Webhooks says.
 */
export const alertChannels = pgTable(
  "alert_channels",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: ownerId(),
    kind: text("kind", { enum: ["webhook", "ntfy", "slack", "discord", "homeassistant"] }).notNull(),
    name: text("name").notNull(),
    url: text("url").notNull(),
    /**
     * The generic webhook's signing secret (whsec_…), AES-GCM encrypted with a key derived from
     * WEBHOOK_SECRET_KEY (alerts/channel-secrets.ts); null for the other kinds. Shown once.
     */
    secret: text("secret"),
    status: text("status", { enum: ["ok", "failing"] })
      .notNull()
      .default("ok"),
    /** Consecutive failed deliveries; a success resets it. */
    failures: integer("failures").notNull().default(0),
    /** The last failure in words (a status code or a network error), never the URL. */
    lastError: text("last_error"),
    lastDeliveryAt: timestamp("last_delivery_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index("alert_channels_owner_created_idx").on(t.ownerId, t.createdAt)],
);

/** When a site meter's weekly and monthly reports are made (reports/contract.ts ReportSchedule). */
export const reportSchedules = pgTable(
  "report_schedules",
  {
    meterId: uuid("meter_id")
      .primaryKey()
      .references((): AnyPgColumn => meters.id, { onDelete: "cascade" }),
    ownerId: homeId(),
    /** ISO weekday (1 Monday) and local hour of the weekly report; null for none. */
    weeklyWeekday: smallint("weekly_weekday"),
    weeklyHour: smallint("weekly_hour"),
    /** Day of the month (1 to 28) and local hour of the monthly report; null for none. */
    monthlyDay: smallint("monthly_day"),
    monthlyHour: smallint("monthly_hour"),
    updatedAt: updatedAt(),
  },
  (t) => [index("report_schedules_owner_idx").on(t.ownerId)],
);

/** A weekly or monthly report as it was made: one per meter and period, whatever the schedule does. */
export const reports = pgTable(
  "reports",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: homeId(),
    meterId: meterId(),
    cadence: text("cadence", { enum: ["week", "month"] }).notNull(),
    periodFrom: timestamp("period_from", { withTimezone: true }).notNull(),
    periodTo: timestamp("period_to", { withTimezone: true }).notNull(),
    content: jsonb("content").$type<ReportContent>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("reports_one_per_period_idx").on(t.meterId, t.cadence, t.periodFrom),
    index("reports_owner_created_idx").on(t.ownerId, t.createdAt),
  ],
);

/**
 * A rule on one meter that tells its owner when something happens (alerts/rules-service.ts):
 * its parameters, and the state the evaluation keeps between readings (alerts/rule-states.ts).
 */
export const alertRules = pgTable(
  "alert_rules",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: homeId(),
    meterId: meterId(),
    name: text("name").notNull(),
    kind: text("kind", { enum: ["threshold", "no_data", "budget", "forecast", "anomaly"] }).notNull(),
    /** What the kind watches (metric, op, value, for, period), validated by rules-contract.ts. */
    params: jsonb("params").$type<AlertRuleParams>().notNull(),
    /** alert_channels ids of the owner; one deleted since is skipped at delivery. */
    channelIds: uuid("channel_ids").array().notNull().default([]),
    urgent: boolean("urgent").notNull().default(false),
    enabled: boolean("enabled").notNull().default(true),
    silencedUntil: timestamp("silenced_until", { withTimezone: true }),
    state: text("state", { enum: ["ok", "pending", "firing"] })
      .notNull()
      .default("ok"),
    /** When the rule entered its state: the hold of pending and firing counts from here. */
    stateSince: timestamp("state_since", { withTimezone: true }),
    /** While firing, since when the value has been clear of the threshold (by the hysteresis margin). */
    clearSince: timestamp("clear_since", { withTimezone: true }),
    lastValue: doublePrecision("last_value"),
    /** The newest reading a threshold rule has judged: a reading is judged once. */
    evaluatedThrough: timestamp("evaluated_through", { withTimezone: true }),
    /** A rule made from the chat: the message that asked for it, which its notifications quote. */
    chatContext: jsonb("chat_context").$type<ChatQuote>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("alert_rules_meter_idx").on(t.meterId), index("alert_rules_owner_created_idx").on(t.ownerId, t.createdAt)],
);

/** Each change of a rule's state, with the value judged: the rule's history and what reports list as fired. */
export const alertRuleEvents = pgTable(
  "alert_rule_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ruleId: uuid("rule_id")
      .notNull()
      .references(() => alertRules.id, { onDelete: "cascade" }),
    ownerId: homeId(),
    meterId: meterId(),
    state: text("state", { enum: ["pending", "firing", "resolved", "ok"] }).notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    value: doublePrecision("value"),
    /** The rule was silenced: recorded, nobody told. */
    silenced: boolean("silenced").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index("alert_rule_events_rule_at_idx").on(t.ruleId, t.at), index("alert_rule_events_meter_at_idx").on(t.meterId, t.at)],
);

/**
 * A note on a meter at a moment ("heat pump installed") or over a range ("away"). Whoever may read
 * the meter may read its notes: access goes through the meter, so there is no owner column here.
 * Ranges of kind away are left out of the forecast's history and of the unusual-day finding.
 */
export const annotations = pgTable(
  "annotations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    meterId: meterId(),
    /** Who wrote it; the note stays on the meter when that person's account goes. */
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    kind: text("kind", { enum: ["note", "away"] })
      .notNull()
      .default("note"),
    text: text("text").notNull(),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    /** null: a moment, not a range. */
    endsAt: timestamp("ends_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("annotations_meter_starts_idx").on(t.meterId, t.startsAt)],
);
