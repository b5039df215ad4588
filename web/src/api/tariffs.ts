import { answerOf, byId, client, type Json, type Query, type RequestJson } from "./client";

// Imported tariffs: price series from a CSV file (Octopus Agile, Nord Pool, ENTSO-E…), shared by the meters that pay them.

export type Tariff = Json<"/api/tariffs/{id}", "patch">;
export type TariffPrices = Json<"/api/tariffs/{id}", "get">;
export type CreateTariffQuery = Query<"/api/tariffs", "post">;
export type PriceUnit = NonNullable<CreateTariffQuery["unit"]>;

/** The file as it is, with the type the routes require (a chosen file's own type may be empty or Excel's). */
const csvBody = (file: Blob) => ({
  // The route's schema says string; the browser sends the Blob as it is.
  body: file as unknown as string,
  bodySerializer: (body: unknown) => body as Blob,
  headers: { "Content-Type": "text/csv" },
});

export const tariffsApi = {
  list: () => answerOf(client.GET("/api/tariffs")).then((r) => r.tariffs),
  /** A bad file is refused whole: the error's message starts with "Line N:". */
  create: (file: Blob, query: CreateTariffQuery) => answerOf(client.POST("/api/tariffs", { params: { query }, ...csvBody(file) })),
  prices: (id: string) => answerOf(client.GET("/api/tariffs/{id}", byId(id))),
  replacePrices: (id: string, file: Blob, unit?: PriceUnit) =>
    answerOf(client.PUT("/api/tariffs/{id}/prices", { params: { path: { id }, query: { unit } }, ...csvBody(file) })),
  update: (id: string, changes: RequestJson<"/api/tariffs/{id}", "patch">) =>
    answerOf(client.PATCH("/api/tariffs/{id}", { ...byId(id), body: changes })),
  delete: (id: string) => answerOf(client.DELETE("/api/tariffs/{id}", byId(id))),
};
