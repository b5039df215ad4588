import { consumeDeliveryBatch, DELIVERY_QUEUE_NAME } from "./alerts/delivery";
import { createApp } from "./app";
import { type Env, settingsProblem } from "./env";
import { consumeDeadLetters, consumeInferenceBatch, runMeterFromQueue } from "./runs/queue-consumer";
import { runScheduledJobs } from "./scheduled";

export { UserHub } from "../durable-objects/user-hub/user-hub";

const app = createApp();

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    // Settings that cannot work make the batch fail (and retry) instead of being half processed.
    const problem = settingsProblem(env);
    if (problem) throw new Error(`the Worker is misconfigured: ${problem}`);
    if (batch.queue === DELIVERY_QUEUE_NAME) await consumeDeliveryBatch(batch, env);
    else if (batch.queue === "wattboard-inference-dlq") await consumeDeadLetters(batch, env);
    else await consumeInferenceBatch(batch, env, runMeterFromQueue);
  },
  async scheduled(controller, env) {
    await runScheduledJobs(env, new Date(controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
