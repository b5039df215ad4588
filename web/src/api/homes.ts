import { answerOf, byId, client, type Json } from "./client";

export type Home = Json<"/api/homes", "get">[number];
export type Member = Json<"/api/homes/{id}/members", "get">[number];
export type Invite = Json<"/api/homes/{id}/invites", "post">;
export type AuditEvent = Json<"/api/homes/{id}/audit", "get">[number];
export type HomeRole = Home["role"];

const member = (homeId: string, userId: string) => ({ params: { path: { id: homeId, userId } } });

export const homesApi = {
  list: () => answerOf(client.GET("/api/homes")),
  create: (name: string) => answerOf(client.POST("/api/homes", { body: { name } })),
  rename: (id: string, name: string) => answerOf(client.PATCH("/api/homes/{id}", { ...byId(id), body: { name } })),
  delete: (id: string) => answerOf(client.DELETE("/api/homes/{id}", byId(id))),
  members: (id: string) => answerOf(client.GET("/api/homes/{id}/members", byId(id))),
  changeRole: (id: string, userId: string, role: HomeRole) =>
    answerOf(client.PATCH("/api/homes/{id}/members/{userId}", { ...member(id, userId), body: { role } })),
  remove: (id: string, userId: string) => answerOf(client.DELETE("/api/homes/{id}/members/{userId}", member(id, userId))),
  invite: (id: string, role: HomeRole, email?: string) =>
    answerOf(client.POST("/api/homes/{id}/invites", { ...byId(id), body: { role, ...(email ? { email } : {}) } })),
  accept: (token: string) => answerOf(client.POST("/api/invites/{token}/accept", { params: { path: { token } } })),
  audit: (id: string) => answerOf(client.GET("/api/homes/{id}/audit", { ...byId(id), params: { path: { id }, query: {} } })),
};
