import { createLogger, type Logger } from "vite";

/** Miniflare's report of a queue batch, e.g. "QUEUE wattboard-inference 1/1 (12ms)", colours stripped. */
const QUEUE_BATCH = /^QUEUE \S+ (\d+)\/(\d+)\b/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are what is stripped
const ANSI_CODES = /\u001b\[[0-9;]*m/g;

/**
 * Vite's logger, less miniflare's line for every queue batch: the demo feed queues a job every few
 * seconds and most are throttled, so the line says nothing. A batch with failed messages still
 * shows, and the Worker logs each model run that ran (worker/runs/queue-consumer.ts).
 */
export function devLogger(): Logger {
  const logger = createLogger();
  const info = logger.info.bind(logger);
  logger.info = (message, options) => {
    const batch = QUEUE_BATCH.exec(message.replace(ANSI_CODES, ""));
    if (batch && batch[1] === batch[2]) return;
    info(message, options);
  };
  return logger;
}
