import { Cron } from "croner";
import { experimental_readRawConfig } from "wrangler";

export interface LocalScheduler {
  crons: string[];
  stop(): void;
}

/**
 * Cloudflare fires a Worker's Cron Triggers in production; workerd does not locally. This fires
 * each schedule of wrangler.jsonc's `triggers.crons` at its times through the dev server's
 * `/cdn-cgi/handler/scheduled` route (the Vite plugin enables it), so `npm run dev` runs the same
 * periodic jobs as production. A failed run is logged and the schedule goes on.
 */
export function startLocalScheduler(baseUrl: string, configPath: string): LocalScheduler {
  const { rawConfig } = experimental_readRawConfig({ config: configPath });
  const crons: string[] = rawConfig.triggers?.crons ?? [];
  const jobs = crons.map(
    (expression) =>
      new Cron(expression, { timezone: "UTC", protect: true }, async () => {
        const url = `${baseUrl}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(expression)}`;
        const response = await fetch(url, { signal: AbortSignal.timeout(120_000) }).catch((error: Error) => error);
        if (response instanceof Error || !response.ok)
          console.error(
            `✗ Scheduled run "${expression}" failed: ${response instanceof Error ? response.message : `HTTP ${response.status}`}`,
          );
      }),
  );
  return {
    crons,
    stop: () => {
      for (const job of jobs) job.stop();
    },
  };
}
