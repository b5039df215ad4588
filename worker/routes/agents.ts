import { createRoute } from "@hono/zod-openapi";
import { Deleted } from "../api-contract";
import { createAgent, deleteAgent, listAgents, updateAgent } from "../chat/agents";
import { Agent, AgentList, CreateAgentBody, UpdateAgentBody } from "../chat/contract";
import { errorResponses } from "../errors";
import { actorOf, bearerAuth, createRouter, IdParam, jsonBody, jsonResponse, resourceId } from "./router";

export const agentsRoutes = createRouter();

agentsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/agents",
    tags: ["chat"],
    summary: "The built-in agents and the person's own",
    security: bearerAuth,
    responses: { 200: jsonResponse("Agents", AgentList), ...errorResponses(401) },
  }),
  async (c) => c.json(await listAgents(actorOf(c)), 200),
);

agentsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/agents",
    tags: ["chat"],
    summary: "Create an agent: instructions that shape the chat, and per-tool allow/ask/deny",
    security: bearerAuth,
    request: jsonBody(CreateAgentBody),
    responses: { 201: jsonResponse("The agent", Agent), ...errorResponses(400, 401) },
  }),
  async (c) => c.json(await createAgent(actorOf(c), c.req.valid("json")), 201),
);

agentsRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/api/agents/{id}",
    tags: ["chat"],
    summary: "Change an agent",
    security: bearerAuth,
    request: { params: IdParam, ...jsonBody(UpdateAgentBody) },
    responses: { 200: jsonResponse("The agent", Agent), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await updateAgent(actorOf(c), resourceId(c.req.valid("param").id, "Agent"), c.req.valid("json")), 200),
);

agentsRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/agents/{id}",
    tags: ["chat"],
    summary: "Delete an agent",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("Deleted", Deleted), ...errorResponses(401, 404) },
  }),
  async (c) => c.json(await deleteAgent(actorOf(c), resourceId(c.req.valid("param").id, "Agent")), 200),
);
