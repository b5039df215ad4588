/**
 * Bench-only Worker: times many forecasts in one request, because workerd's clock has only
 * millisecond resolution and one small inference takes well under a millisecond.
 */
import { forecast24h } from "../../ml/runtime/forecast";
import { forecastSession, Tensor } from "../../worker/runs/forecast-session";

export default {
  async fetch(request: Request): Promise<Response> {
    const { runs, history, start } = (await request.json()) as { runs: number; history: number[]; start: number };
    const session = await forecastSession();
    await forecast24h(session, Tensor as never, history, start, { timeZone: "Europe/London" });
    const began = Date.now();
    for (let i = 0; i < runs; i++) await forecast24h(session, Tensor as never, history, start, { timeZone: "Europe/London" });
    return Response.json({ totalMs: Date.now() - began, runs });
  },
};
