/**
 * CPU of one offline chat turn: every case of the chat evaluation (main and held-out) answered by
 * the offline engine, after a warm-up pass, with the recording tools of `npm run chat:eval`.
 * The reference is issue 17's budget of 50 ms CPU per turn. `npx tsx bench/chat.bench.ts` alone.
 */
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readCases, readHomes, runCase } from "../scripts/chat-eval";
import { offlineEngine } from "../worker/chat/engines/offline";
import type { BenchResult } from "./harness";

const BUDGET_MS = 50;
const ROUNDS = 5;
const EVAL_DIR = resolve(import.meta.dirname, "../tests/chat/eval");

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function benchChat(log: (line: string) => void): Promise<Record<string, BenchResult>> {
  const homes = readHomes();
  const cases = [...readCases(EVAL_DIR), ...readCases(join(EVAL_DIR, "held-out"))];
  const turn = async () => {
    const spent: number[] = [];
    for (const c of cases) spent.push((await runCase(offlineEngine, c, homes.get(c.home)!, false)).cpuMs);
    return spent;
  };
  await turn();
  const spent: number[] = [];
  for (let round = 0; round < ROUNDS; round++) spent.push(...(await turn()));
  spent.sort((a, b) => a - b);
  const p95 = percentile(spent, 0.95);
  const mean = spent.reduce((sum, ms) => sum + ms, 0) / spent.length;
  log(`  offline turn CPU over ${spent.length} turns: mean ${round(mean)} ms, p95 ${round(p95)} ms, max ${round(spent.at(-1)!)} ms`);
  return {
    chat_offline_turn_cpu_p95: {
      value: round(p95),
      unit: "ms",
      reference: BUDGET_MS,
      ratio: round(p95 / BUDGET_MS),
      note: `CPU of one offline-engine turn (p95 over the chat eval's ${cases.length} cases x ${ROUNDS}); reference is issue 17's budget`,
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = (await benchChat(console.log)).chat_offline_turn_cpu_p95;
  process.exit(result.value <= BUDGET_MS ? 0 : 1);
}
