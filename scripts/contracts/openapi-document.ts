import type { OpenAPI3 } from "openapi-typescript";
import { API_DOCUMENT } from "../../worker/api-contract";

interface WattboardApp {
  getOpenAPI31Document(config: typeof API_DOCUMENT): unknown;
}

/**
 * The document the app serves at /api/openapi.json, built in Node. worker/app.ts is typed for
 * workerd, which tsconfig.node.json cannot check, so it is loaded by path behind a narrow type.
 */
export async function servedOpenApiDocument(): Promise<OpenAPI3> {
  const { createApp }: { createApp(): WattboardApp } = await import(new URL("../../worker/app.ts", import.meta.url).href);
  const document = createApp().getOpenAPI31Document(API_DOCUMENT);
  // As served: through JSON.
  return JSON.parse(JSON.stringify(document)) as OpenAPI3;
}
