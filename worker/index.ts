import { createApp } from "./app";
import type { Env } from "./env";
import { consumeDeadLetters, consumeInferenceBatch } from "./queue/inference-consumer";
import { runMeterFromQueue } from "./queue/run-meter";

export { UserHub } from "../durable-objects/user-hub";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env) => (batch.queue === "wattboard-inference-dlq" ? consumeDeadLetters(batch, env) : consumeInferenceBatch(batch, env, runMeterFromQueue)),
} satisfies ExportedHandler<Env>;
