import { answerOf, byId, client, type Json, type Query } from "./client";

// How readings reach a meter besides the signed webhook: write tokens (InfluxDB line protocol, bearer JSON),
// the fields those writes carried that map to nothing, and CSV history imports.

export type WriteToken = Json<"/api/meters/{id}/tokens", "get">["tokens"][number];
/** A write token with its secret, shown once: when it is created. */
export type CreatedWriteToken = Json<"/api/meters/{id}/tokens", "post">;
export type IgnoredField = Json<"/api/meters/{id}/ignored-fields", "get">["fields"][number];
export type ImportPreview = Json<"/api/meters/{id}/imports/preview", "post">;
export type ImportJob = Json<"/api/imports/{id}", "get">;
export type ImportQuery = Query<"/api/meters/{id}/imports", "post">;

/** The file as it is, with the type the import routes require (a dropped file's own type may be empty or Excel's). */
const csv = (id: string, query: ImportQuery, file: Blob) => ({
  params: { path: { id }, query },
  // The route's schema says string; the browser streams the Blob as it is.
  body: file as unknown as string,
  bodySerializer: (body: unknown) => body as Blob,
  headers: { "Content-Type": "text/csv" },
});

export const meterData = {
  listWriteTokens: (meterId: string) => answerOf(client.GET("/api/meters/{id}/tokens", byId(meterId))).then((r) => r.tokens),
  createWriteToken: (meterId: string, name: string) =>
    answerOf(client.POST("/api/meters/{id}/tokens", { ...byId(meterId), body: { name } })),
  revokeWriteToken: (meterId: string, tokenId: string) =>
    answerOf(client.DELETE("/api/meters/{id}/tokens/{tokenId}", { params: { path: { id: meterId, tokenId } } })),
  ignoredFields: (meterId: string) => answerOf(client.GET("/api/meters/{id}/ignored-fields", byId(meterId))).then((r) => r.fields),
  previewImport: (meterId: string, file: Blob, query: ImportQuery = {}) =>
    answerOf(client.POST("/api/meters/{id}/imports/preview", csv(meterId, query, file))),
  /** Resolves when the upload is in (202); progress arrives meanwhile as import.progress events. */
  importCsv: (meterId: string, file: Blob, query: ImportQuery = {}) =>
    answerOf(client.POST("/api/meters/{id}/imports", csv(meterId, query, file))),
  getImport: (importId: string) => answerOf(client.GET("/api/imports/{id}", byId(importId))),
  listImports: (meterId: string) => answerOf(client.GET("/api/meters/{id}/imports", byId(meterId))).then((r) => r.imports),
};
