import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { createTab, deleteTab, getTabWithCharts, listTabs, updateTab } from "../tabs/queries";
import { errorResponses, notFound } from "../errors";
import { CreateTabBody, Tab, TabList, TabWithCharts, UpdateTabBody } from "../tabs/contract";
import { chartDto, tabDto } from "./dto";
import { bearerAuth, createRouter, IdParam, jsonBody, jsonResponse, resourceId } from "./router";

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
  async (c) => c.json({ tabs: (await listTabs(c.var.db, c.var.user.id)).map(tabDto) }, 200),
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
  async (c) => {
    const { title } = c.req.valid("json");
    return c.json(tabDto(await createTab(c.var.db, c.var.user.id, title)), 201);
  },
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
  async (c) => {
    const tab = await getTabWithCharts(c.var.db, c.var.user.id, resourceId(c.req.valid("param").id, "Tab"));
    if (!tab) throw notFound("Tab");
    return c.json({ ...tabDto(tab), charts: tab.charts.map(chartDto) }, 200);
  },
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
  async (c) => {
    const id = resourceId(c.req.valid("param").id, "Tab");
    const tab = await updateTab(c.var.db, c.var.user.id, id, c.req.valid("json"));
    if (!tab) throw notFound("Tab");
    return c.json(tabDto(tab), 200);
  },
);

tabsRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/tabs/{id}",
    tags: ["tabs"],
    summary: "Delete a tab and its charts",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("Deleted", z.object({ deleted: z.literal(true) })), ...errorResponses(401, 404) },
  }),
  async (c) => {
    const deleted = await deleteTab(c.var.db, c.var.user.id, resourceId(c.req.valid("param").id, "Tab"));
    if (!deleted) throw notFound("Tab");
    return c.json({ deleted: true as const }, 200);
  },
);
