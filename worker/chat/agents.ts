import type { z } from "zod";
import type { Actor } from "../actor";
import type { Deleted } from "../api-contract";
import { notFound } from "../errors";
import { isUuid } from "../id-contract";
import * as queries from "./agents-queries";
import type { Agent, AgentList, CreateAgentBody, UpdateAgentBody } from "./contract";

/** The agent of a session or message that names none. */
const DEFAULT_AGENT_ID = "analyst";

/** The two agents every account has. */
const BUILT_IN_AGENTS: Agent[] = [
  {
    id: "analyst",
    name: "Analyst",
    builtIn: true,
    instructions:
      "You help the person understand their energy use and what it costs. Answer with numbers from their meters (one figure over a period, compared with another: measure; for money, summarize_cost and rank_device_costs, in the meter's currency) and build clear charts on the tab they picked.",
    permissions: {
      create_chart: "allow",
      update_chart: "allow",
      create_tab: "allow",
      delete_chart: "ask",
      run_model: "ask",
      set_goal: "ask",
      set_battery: "ask",
      set_deferrable_load: "ask",
      set_tariff: "ask",
    },
  },
  {
    id: "optimizer",
    name: "Optimizer",
    builtIn: true,
    instructions:
      "You plan when to use energy: run the forecast, explain the plan against the tariff, help set goals such as a peak limit, and record what the planner may move (a home battery, flexible loads such as a car to charge by a time) and what the meter pays (set_tariff; list_tariffs for imported ones).",
    permissions: {
      run_model: "allow",
      set_goal: "allow",
      set_battery: "allow",
      set_deferrable_load: "allow",
      set_tariff: "allow",
      create_chart: "ask",
      update_chart: "ask",
      create_tab: "ask",
      delete_chart: "ask",
    },
  },
];

type AgentOwner = Pick<Actor, "db" | "userId">;

const ownAgent = (row: queries.AgentRow): Agent => ({
  id: row.id,
  name: row.name,
  instructions: row.instructions,
  permissions: row.permissions,
  builtIn: false,
});

/** A built-in agent by name or one of the person's own by id; a missing or foreign one is a 404. */
export async function requireAgent(actor: AgentOwner, agentId: string = DEFAULT_AGENT_ID): Promise<Agent> {
  const builtIn = BUILT_IN_AGENTS.find((a) => a.id === agentId);
  if (builtIn) return builtIn;
  const row = isUuid(agentId) ? await queries.getAgent(actor.db, actor.userId, agentId) : undefined;
  if (!row) throw notFound("Agent");
  return ownAgent(row);
}

export async function listAgents(actor: Actor): Promise<AgentList> {
  return { agents: [...BUILT_IN_AGENTS, ...(await queries.listAgents(actor.db, actor.userId)).map(ownAgent)] };
}

export async function createAgent(actor: Actor, agent: z.output<typeof CreateAgentBody>): Promise<Agent> {
  return ownAgent(await queries.createAgent(actor.db, actor.userId, agent));
}

export async function updateAgent(actor: Actor, agentId: string, changes: z.output<typeof UpdateAgentBody>): Promise<Agent> {
  const row = await queries.updateAgent(actor.db, actor.userId, agentId, changes);
  if (!row) throw notFound("Agent");
  return ownAgent(row);
}

export async function deleteAgent(actor: Actor, agentId: string): Promise<Deleted> {
  if (!(await queries.deleteAgent(actor.db, actor.userId, agentId))) throw notFound("Agent");
  return { deleted: true };
}
