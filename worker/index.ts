import { createApp } from "./app";
import type { Env } from "./env";
import { consumeDeadLetters, consumeInferenceBatch, runMeterFromQueue } from "./runs/queue-consumer";

export { UserHub } from "../durable-objects/user-hub/user-hub";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env) => (batch.queue === "wattboard-inference-dlq" ? consumeDeadLetters(batch, env) : consumeInferenceBatch(batch, env, runMeterFromQueue)),
} satisfies ExportedHandler<Env>;
