import { answerOf, byId, client, type Json, type RequestJson } from "./client";

/** A channel alerts go to, with its delivery status. */
export type Channel = Json<"/api/channels/{id}", "get">;
/** The answer to a create: a generic webhook's signing secret is in it, this once. */
export type CreatedChannel = Json<"/api/channels", "post">;
export type ChannelKind = Channel["kind"];

export const channelsApi = {
  list: () => answerOf(client.GET("/api/channels")).then((r) => r.channels),
  get: (id: string) => answerOf(client.GET("/api/channels/{id}", byId(id))),
  create: (body: RequestJson<"/api/channels", "post">) => answerOf(client.POST("/api/channels", { body })),
  update: (id: string, body: RequestJson<"/api/channels/{id}", "patch">) =>
    answerOf(client.PATCH("/api/channels/{id}", { ...byId(id), body })),
  remove: (id: string) => answerOf(client.DELETE("/api/channels/{id}", byId(id))),
  /** Queues one test message; its outcome shows in the channel's status a moment later. */
  test: (id: string) => answerOf(client.POST("/api/channels/{id}/test", byId(id))),
};
