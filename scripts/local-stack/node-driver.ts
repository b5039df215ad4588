import { neonConfig } from "@neondatabase/serverless";
import { WebSocket } from "ws";

/** The Neon driver in Node (scripts, seeding, benchmarks): same settings as the Worker's. */
export function configureNodeDriver(wsProxy: string | undefined): void {
  neonConfig.webSocketConstructor = WebSocket;
  if (!wsProxy) return;
  neonConfig.wsProxy = (host, port) => `${wsProxy}/v1?address=${host}:${port}`;
  neonConfig.fetchEndpoint = `http://${wsProxy}/sql`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineConnect = false;
  neonConfig.pipelineTLS = false;
}
