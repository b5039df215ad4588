import { createRoute } from "@hono/zod-openapi";
import { AlertRuleDetail, AlertRuleList, AlertRuleListQuery, CreateAlertRuleBody, UpdateAlertRuleBody } from "../alerts/rules-contract";
import { createRule, deleteRule, getRule, listRules, updateRule } from "../alerts/rules-service";
import { Deleted } from "../api-contract";
import { errorResponses } from "../errors";
import { actorOf, bearerAuth, createRouter, IdParam, jsonBody, jsonResponse, resourceId } from "./router";

export const alertRulesRoutes = createRouter();

alertRulesRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/alert-rules",
    tags: ["alerts"],
    summary:
      "Add an alert rule on a meter: threshold (power held, energy or cost over a window), no_data, budget, forecast or anomaly; it starts ok",
    security: bearerAuth,
    request: jsonBody(CreateAlertRuleBody),
    responses: { 201: jsonResponse("The new rule", AlertRuleDetail), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await createRule(actorOf(c), c.req.valid("json")), 201),
);

alertRulesRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/alert-rules",
    tags: ["alerts"],
    summary: "The user's alert rules (of one meter with ?meterId=), oldest first, each with its state",
    security: bearerAuth,
    request: { query: AlertRuleListQuery },
    responses: { 200: jsonResponse("Rules", AlertRuleList), ...errorResponses(400, 401) },
  }),
  async (c) => c.json(await listRules(actorOf(c), c.req.valid("query").meterId), 200),
);

alertRulesRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/alert-rules/{id}",
    tags: ["alerts"],
    summary: "An alert rule with its state and its history (each change of state with its time and value), newest first",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("The rule", AlertRuleDetail), ...errorResponses(401, 404) },
  }),
  async (c) => c.json(await getRule(actorOf(c), resourceId(c.req.valid("param").id, "Alert rule")), 200),
);

alertRulesRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/api/alert-rules/{id}",
    tags: ["alerts"],
    summary:
      "Rename a rule, change its channels or urgency, switch it off or on, silence it until a time (null lifts the silence), or change its condition (metric, op, value, for, period: checked as on create; the rule starts again in ok)",
    security: bearerAuth,
    request: { params: IdParam, ...jsonBody(UpdateAlertRuleBody) },
    responses: { 200: jsonResponse("The rule", AlertRuleDetail), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await updateRule(actorOf(c), resourceId(c.req.valid("param").id, "Alert rule"), c.req.valid("json")), 200),
);

alertRulesRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/alert-rules/{id}",
    tags: ["alerts"],
    summary: "Delete an alert rule and its history",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("Deleted", Deleted), ...errorResponses(401, 404) },
  }),
  async (c) => c.json(await deleteRule(actorOf(c), resourceId(c.req.valid("param").id, "Alert rule")), 200),
);
