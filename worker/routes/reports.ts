import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../errors";
import { Report, ReportList, ReportSchedule } from "../reports/contract";
import { getReport, listReports, reportSchedule, saveReportSchedule } from "../reports/service";
import { actorOf, bearerAuth, createRouter, IdParam, jsonBody, jsonResponse, resourceId } from "./router";

/** Weekly and monthly reports of site meters, and when they are made. */
export const reportsRoutes = createRouter();

reportsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/reports",
    tags: ["reports"],
    summary: "The user's weekly and monthly reports, newest first",
    security: bearerAuth,
    responses: { 200: jsonResponse("Reports", ReportList), ...errorResponses(401) },
  }),
  async (c) => c.json(await listReports(actorOf(c)), 200),
);

reportsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/reports/{id}",
    tags: ["reports"],
    summary:
      "A report as it was made: the money summary against the period before, the device that cost most, the latest forecast, the plans' realised savings and the alerts that fired",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("The report", Report), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await getReport(actorOf(c), resourceId(c.req.valid("param").id, "Report")), 200),
);

reportsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/meters/{id}/report-schedule",
    tags: ["reports"],
    summary: "When the meter's weekly and monthly reports are made (null: not made)",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("The schedule", ReportSchedule), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await reportSchedule(actorOf(c), resourceId(c.req.valid("param").id, "Meter")), 200),
);

reportsRoutes.openapi(
  createRoute({
    method: "put",
    path: "/api/meters/{id}/report-schedule",
    tags: ["reports"],
    summary:
      "Set when a site meter's reports are made, on its clock: weekly {weekday 1-7, hour} about the week before, monthly {day 1-28, hour} about the month before",
    security: bearerAuth,
    request: { params: IdParam, ...jsonBody(ReportSchedule) },
    responses: { 200: jsonResponse("The schedule", ReportSchedule), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await saveReportSchedule(actorOf(c), resourceId(c.req.valid("param").id, "Meter"), c.req.valid("json")), 200),
);
