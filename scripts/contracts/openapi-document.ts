import type { OpenAPI3 } from "openapi-typescript";

interface WattboardApp {
  getOpenAPI31Document(config: Pick<OpenAPI3, "openapi" | "info">): unknown;
}

/**
 * The document the app serves at /api/openapi.json, built in Node. worker/app.ts is typed for
 * workerd, which tsconfig.node.json cannot check, so it is loaded by path behind a narrow type.
 * The config repeats app.ts's doc31 call (only paths and components reach the generated types).
 */
export async function servedOpenApiDocument(): Promise<OpenAPI3> {
  const { createApp }: { createApp(): WattboardApp } = await import(new URL("../../worker/app.ts", import.meta.url).href);
  const document = createApp().getOpenAPI31Document({
    openapi: "3.1.0",
    info: { title: "Wattboard API", version: "0.1.0", description: "Energy dashboards, meters, forecasts and chat." },
  });
  // As served: through JSON.
  return JSON.parse(JSON.stringify(document)) as OpenAPI3;
}
