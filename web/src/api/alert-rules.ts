import { answerOf, byId, client, type Json, type RequestJson } from "./client";

/** A rule as listed, with its state. */
export type AlertRule = Json<"/api/alert-rules", "get">["rules"][number];
/** A rule with its history, newest first. */
export type AlertRuleDetail = Json<"/api/alert-rules/{id}", "get">;
export type AlertRuleBody = RequestJson<"/api/alert-rules", "post">;
export type AlertRuleKind = AlertRuleBody["kind"];

export const alertRulesApi = {
  list: () => answerOf(client.GET("/api/alert-rules")).then((r) => r.rules),
  /** With its history, newest first. */
  get: (id: string) => answerOf(client.GET("/api/alert-rules/{id}", byId(id))),
  create: (body: AlertRuleBody) => answerOf(client.POST("/api/alert-rules", { body })),
  update: (id: string, body: RequestJson<"/api/alert-rules/{id}", "patch">) =>
    answerOf(client.PATCH("/api/alert-rules/{id}", { ...byId(id), body })),
  remove: (id: string) => answerOf(client.DELETE("/api/alert-rules/{id}", byId(id))),
};
