import type { Database } from "../db/client";
import { getAgent } from "./agents-queries";
import type { Agent, ToolPermission, ToolPermissions } from "./contract";
import type { ToolRisk } from "./tools/catalog";
import { isUuid } from "../id-contract";

/** The two agents every account has. */
export const BUILT_IN_AGENTS: Agent[] = [
  {
    id: "analyst",
    name: "Analyst",
    builtIn: true,
    instructions: "You help the person understand their energy use. Answer with numbers from their meters and build clear charts on the tab they picked.",
    permissions: { create_chart: "allow", update_chart: "allow", create_tab: "allow", run_model: "ask", set_goal: "ask" },
  },
  {
    id: "optimizer",
    name: "Optimizer",
    builtIn: true,
    instructions: "You plan when to use energy: run the forecast, explain the plan against the tariff, and help set goals such as a peak limit.",
    permissions: { run_model: "allow", set_goal: "allow", create_chart: "ask", update_chart: "ask", create_tab: "ask" },
  },
];

const DEFAULT_BY_RISK: Record<ToolRisk, ToolPermission> = { read: "allow", write: "ask", share: "ask" };

/** Chat-wide rule, else the agent's own setting, else the default for the tool's risk. */
export function permissionFor(tool: { name: string; risk: ToolRisk }, agent: Agent, chatRules: ToolPermissions): ToolPermission {
  return chatRules[tool.name] ?? agent.permissions[tool.name] ?? DEFAULT_BY_RISK[tool.risk];
}

export async function resolveAgent(db: Database, ownerId: string, agentId: string | undefined): Promise<Agent | undefined> {
  const id = agentId ?? "analyst";
  const builtIn = BUILT_IN_AGENTS.find((a) => a.id === id);
  if (builtIn) return builtIn;
  if (!isUuid(id)) return undefined;
  const row = await getAgent(db, ownerId, id);
  return row && { id: row.id, name: row.name, instructions: row.instructions, permissions: row.permissions, builtIn: false };
}
