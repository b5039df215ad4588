import { answerOf, byId, client, type Json, type Query, type RequestJson } from "./client";

export type Annotation = Json<"/api/annotations", "get">["annotations"][number];
export type AnnotationBody = RequestJson<"/api/annotations", "post">;

export const annotationsApi = {
  /** The notes drawn on a meter's charts (its own, its site's, its devices') within the window. */
  list: (query: Query<"/api/annotations", "get">) =>
    answerOf(client.GET("/api/annotations", { params: { query } })).then((r) => r.annotations),
  create: (body: AnnotationBody) => answerOf(client.POST("/api/annotations", { body })),
  remove: (id: string) => answerOf(client.DELETE("/api/annotations/{id}", byId(id))),
};
