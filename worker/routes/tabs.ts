import { createRoute } from "@hono/zod-openapi";
import { Deleted } from "../api-contract";
import { errorResponses } from "../errors";
import { CreateTabBody, Tab, TabList, TabWithCharts, UpdateTabBody } from "../tabs/contract";
import { createTab, deleteTab, getTab, listTabs, updateTab } from "../tabs/service";
import { actorOf, bearerAuth, createRouter, IdParam, jsonBody, jsonResponse, resourceId } from "./router";

export const tabsRoutes = createRouter();

tabsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/tabs",
    tags: ["tabs"],
    summary: "List the user's tabs in display order",
    security: bearerAuth,
    responses: { 200: jsonResponse("Tabs in order", TabList), ...errorResponses(401) },
  }),
  async (c) => c.json(await listTabs(actorOf(c)), 200),
);

tabsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/tabs",
    tags: ["tabs"],
    summary: "Create a tab (it goes last)",
    security: bearerAuth,
    request: jsonBody(CreateTabBody),
    responses: { 201: jsonResponse("The new tab", Tab), ...errorResponses(400, 401) },
  }),
  async (c) => c.json(await createTab(actorOf(c), c.req.valid("json").title), 201),
);

tabsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/tabs/{id}",
    tags: ["tabs"],
    summary: "Get a tab with its charts",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("The tab and its charts", TabWithCharts), ...errorResponses(401, 404) },
  }),
  async (c) => c.json(await getTab(actorOf(c), resourceId(c.req.valid("param").id, "Tab")), 200),
);

tabsRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/api/tabs/{id}",
    tags: ["tabs"],
    summary: "Rename a tab and/or move it to another position",
    security: bearerAuth,
    request: { params: IdParam, ...jsonBody(UpdateTabBody) },
    responses: { 200: jsonResponse("The updated tab", Tab), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await updateTab(actorOf(c), resourceId(c.req.valid("param").id, "Tab"), c.req.valid("json")), 200),
);

tabsRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/tabs/{id}",
    tags: ["tabs"],
    summary: "Delete a tab and its charts",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("Deleted", Deleted), ...errorResponses(401, 404) },
  }),
  async (c) => c.json(await deleteTab(actorOf(c), resourceId(c.req.valid("param").id, "Tab")), 200),
);
