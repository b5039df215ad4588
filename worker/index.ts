import { createApp } from "./app";
import type { Env } from "./env";
import { consumeDeadLetters, consumeInferenceBatch } from "./runs/queue-consumer";
import { runMeterFromQueue } from "./runs/queue-run-meter";

export { UserHub } from "../durable-objects/user-hub/user-hub";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env) => (batch.queue === "wattboard-inference-dlq" ? consumeDeadLetters(batch, env) : consumeInferenceBatch(batch, env, runMeterFromQueue)),
} satisfies ExportedHandler<Env>;
