import type { EngineReply } from "../../engine";
import { resolveNamed } from "../../understanding/entities";
import { type Ctx, reply, siteOf } from "./context";
import type { Intent, Reading } from "./intents";
import { metersOf } from "./who";

type Setting = Extract<Intent, { kind: "goal" | "battery" | "load" | "tariff" }>;

/**
 * Statements that set something: a peak limit, a battery, a flexible load, a tariff. The meter is
 * the one named (its site for what the planner schedules), else the conversation's, else the site.
 * The statement itself stays in the chat, where notifications quote it from.
 */
export async function setting(intent: Setting, r: Reading, ctx: Ctx): Promise<EngineReply> {
  // A peak limit is a meter's own (the garage's fuse); what the planner schedules is its site's.
  const who = metersOf(r, ctx, { site: intent.kind !== "goal" });
  if ("ask" in who) return reply(who.ask, who.choices);
  const meter = who.meters[0];
  const site = siteOf(meter, ctx.turn.meters) ?? meter;
  switch (intent.kind) {
    case "goal":
      return reply(await ctx.say("set_goal", { meterId: meter.id, peakLimitKw: intent.limitKw }));
    case "battery":
      return reply(
        await ctx.say("set_battery", {
          meterId: site.id,
          capacityKwh: intent.capacityKwh,
          ...(intent.powerKw ? { powerKw: intent.powerKw } : {}),
        }),
        [{ label: "Plan with it now", text: `run the forecast for ${site.name}` }],
      );
    case "load":
      return reply(
        await ctx.say("set_deferrable_load", {
          meterId: site.id,
          name: intent.name,
          energyKwh: intent.energyKwh,
          toHour: intent.toHour,
          ...(intent.fromHour !== undefined && intent.fromHour !== intent.toHour % 24 ? { fromHour: intent.fromHour } : {}),
          ...(intent.powerKw ? { powerKw: intent.powerKw } : {}),
        }),
        [{ label: "Plan with it now", text: `run the forecast for ${site.name}` }],
      );
    case "tariff": {
      if (intent.price) {
        const { price, currency } = intent.price;
        return reply(await ctx.say("set_tariff", { meterId: site.id, tariff: { kind: "flat", price, ...(currency ? { currency } : {}) } }));
      }
      const named = resolveNamed(intent.name ?? r.text, ctx.turn.tariffs);
      if (named.kind === "found") {
        return reply(await ctx.say("set_tariff", { meterId: site.id, tariff: { kind: "imported", tariffId: named.items[0].id } }));
      }
      if (named.kind === "ambiguous") {
        return reply(
          "Which tariff?",
          named.candidates.slice(0, 6).map((t) => ({ label: t.name, text: `our tariff is ${t.name}` })),
        );
      }
      const known = ctx.turn.tariffs.length ? ` Your imported tariffs: ${ctx.turn.tariffs.map((t) => t.name).join(", ")}.` : "";
      return reply(
        `I do not have a tariff called “${intent.name}” yet: import its prices on the Tariffs page (a CSV of prices per slot, or the supplier's export), then tell me again. A flat price works without importing: “we pay 25p per kWh”.${known}`,
        ctx.turn.tariffs.slice(0, 4).map((t) => ({ label: t.name, text: `our tariff is ${t.name}` })),
      );
    }
  }
}
