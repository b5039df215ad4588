import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { BUILT_IN_AGENTS } from "../chat/agents";
import { createAgent, deleteAgent, listAgents, updateAgent, type AgentRow } from "../chat/agents-queries";
import { errorResponses, notFound } from "../errors";
import { Agent, AgentBody } from "../chat/contract";
import { bearerAuth, createRouter, IdParam, jsonBody, jsonResponse, resourceId } from "./router";

export const agentsRoutes = createRouter();

const agentDto = (row: AgentRow): Agent => ({ id: row.id, name: row.name, instructions: row.instructions, permissions: row.permissions, builtIn: false });

agentsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/agents",
    tags: ["chat"],
    summary: "The built-in agents and the person's own",
    security: bearerAuth,
    responses: { 200: jsonResponse("Agents", z.object({ agents: z.array(Agent) })), ...errorResponses(401) },
  }),
  async (c) => c.json({ agents: [...BUILT_IN_AGENTS, ...(await listAgents(c.var.db, c.var.user.id)).map(agentDto)] }, 200),
);

agentsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/agents",
    tags: ["chat"],
    summary: "Create an agent: instructions that shape the chat, and per-tool allow/ask/deny",
    security: bearerAuth,
    request: jsonBody(AgentBody),
    responses: { 201: jsonResponse("The agent", Agent), ...errorResponses(400, 401) },
  }),
  async (c) => c.json(agentDto(await createAgent(c.var.db, c.var.user.id, c.req.valid("json"))), 201),
);

agentsRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/api/agents/{id}",
    tags: ["chat"],
    summary: "Change an agent",
    security: bearerAuth,
    request: { params: IdParam, ...jsonBody(AgentBody.partial()) },
    responses: { 200: jsonResponse("The agent", Agent), ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const row = await updateAgent(c.var.db, c.var.user.id, resourceId(c.req.valid("param").id, "Agent"), c.req.valid("json"));
    if (!row) throw notFound("Agent");
    return c.json(agentDto(row), 200);
  },
);

agentsRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/agents/{id}",
    tags: ["chat"],
    summary: "Delete an agent",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("Deleted", z.object({ deleted: z.literal(true) })), ...errorResponses(401, 404) },
  }),
  async (c) => {
    if (!(await deleteAgent(c.var.db, c.var.user.id, resourceId(c.req.valid("param").id, "Agent")))) throw notFound("Agent");
    return c.json({ deleted: true as const }, 200);
  },
);
