import { answerOf, byId, client, type Json, type RequestJson } from "./client";

/** A weekly or monthly report as it was made. */
export type Report = Json<"/api/reports/{id}", "get">;
export type ReportListItem = Json<"/api/reports", "get">["reports"][number];
export type ReportSchedule = Json<"/api/meters/{id}/report-schedule", "get">;

export const reportsApi = {
  list: () => answerOf(client.GET("/api/reports")).then((r) => r.reports),
  get: (id: string) => answerOf(client.GET("/api/reports/{id}", byId(id))),
  schedule: (meterId: string) => answerOf(client.GET("/api/meters/{id}/report-schedule", byId(meterId))),
  saveSchedule: (meterId: string, body: RequestJson<"/api/meters/{id}/report-schedule", "put">) =>
    answerOf(client.PUT("/api/meters/{id}/report-schedule", { ...byId(meterId), body })),
};
