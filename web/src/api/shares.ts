import { answerOf, client, type Json, type Query, type RequestJson } from "./client";

export type Share = Json<"/api/shares", "post">;
/** What a share link shows, read without signing in. */
export type PublicShare = Json<"/api/public/shares/{token}", "get">;

export const sharesApi = {
  share: (body: RequestJson<"/api/shares", "post">) => answerOf(client.POST("/api/shares", { body })),
  /** The target's live link, or null; looking makes no link. */
  live: (target: Query<"/api/shares/live", "get">) =>
    answerOf(client.GET("/api/shares/live", { params: { query: target } })).then((r) => r.share),
  list: () => answerOf(client.GET("/api/shares")).then((r) => r.shares),
  revoke: (token: string) => answerOf(client.DELETE("/api/shares/{token}", { params: { path: { token } } })),
  /** A shared chart or tab, over the viewer's range when the owner allows one. */
  view: (token: string, range: Query<"/api/public/shares/{token}", "get">) =>
    answerOf(client.GET("/api/public/shares/{token}", { params: { path: { token }, query: range } })),
};
