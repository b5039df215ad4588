/**
 * Diagnostic (not part of `npm run bench`; `npx tsx bench/live-probe.ts`, Linux): where the fan-out
 * latency goes. Opens N sockets (PROBE_SOCKETS, default 0,1,100,1000) in this process through vite
 * preview's Node relay or straight to workerd's own port (PROBE_MODES=preview,direct), and prints per
 * broadcast the webhook's answer, first and last receipt, and the CPU per broadcast of this process
 * and of workerd. Uses the last build in dist/ (PROBE_BUILD=1 builds first).
 */
import { execSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { WebSocket } from "ws";
import { configureNodeDriver } from "../scripts/local-stack/node-driver";
import { signWebhookBody } from "../worker/meters/webhook-secrets";
import { api, inParallel, percentile, startBenchStack } from "./harness";

process.env.WRANGLER_SEND_METRICS ??= "false";
const log = (line: string) => console.log(line);
const stack = await startBenchStack(log, { build: process.env.PROBE_BUILD === "1" });
configureNodeDriver(stack.database.wsProxy);

function workerdUrls(): string[] {
  const out = execSync("ss -ltnpH").toString();
  const pids = execSync(`pgrep -P ${process.pid} -d ' ' || true`).toString().trim().split(" ");
  const ports: string[] = [];
  for (const line of out.split("\n")) {
    if (!line.includes("workerd")) continue;
    if (!pids.some((pid) => pid && line.includes(`pid=${pid},`))) continue;
    const m = /127\.0\.0\.1:(\d+)/.exec(line);
    if (m) ports.push(`http://127.0.0.1:${m[1]}`);
  }
  return ports;
}

async function openSocket(base: string, onMessage: (type: string, at: number) => void): Promise<WebSocket> {
  const { ticket } = await api<{ ticket: string }>(stack, "POST", "/api/ws/ticket");
  const socket = new WebSocket(`${base.replace(/^http/, "ws")}/api/ws?ticket=${encodeURIComponent(ticket)}`);
  socket.on("message", (data) => onMessage(JSON.parse(data.toString()).type, performance.now()));
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  return socket;
}

async function post(meter: { id: string; webhook: { secret: string } }, readings: unknown[]) {
  const body = JSON.stringify({ readings });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const sent = performance.now();
  const response = await fetch(`${stack.baseUrl}/api/ingest/${meter.id}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Wattboard-Timestamp": timestamp,
      "X-Wattboard-Signature": await signWebhookBody(meter.webhook.secret, timestamp, new TextEncoder().encode(body)),
    },
    body,
  });
  await response.arrayBuffer();
  return { sent, answered: performance.now() - sent };
}

import { existsSync, readFileSync } from "node:fs";

function workerdPids(): number[] {
  const out = execSync(`pgrep -P ${process.pid} -d ' ' || true`).toString().trim().split(" ").filter(Boolean);
  return out.map(Number).filter((pid) => existsSync(`/proc/${pid}/comm`) && readFileSync(`/proc/${pid}/comm`, "utf8").includes("workerd"));
}
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
const waitFor = async (check: () => boolean) => {
  for (let i = 0; i < 2_000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
};

try {
  const meter = await api<{ id: string; webhook: { secret: string } }>(stack, "POST", "/api/meters", { name: "probe", timezone: "UTC" });
  const tab = await api<{ id: string }>(stack, "POST", "/api/tabs", { title: "probe" });
  await api(stack, "POST", "/api/charts", {
    tabId: tab.id,
    title: "live",
    spec: { meterIds: [meter.id], metric: "power_w", window: { kind: "relative", preset: "last_hour" } },
  });
  const direct = workerdUrls();
  log(`workerd ports: ${direct.join(" ")}`);
  let directBase: string | undefined;
  for (const base of direct) {
    try {
      const r = await fetch(`${base}/api/health`);
      log(`  ${base}/api/health → ${r.status}`);
      if (r.ok && !directBase) directBase = base;
    } catch (e) {
      log(`  ${base}: ${(e as Error).message}`);
    }
  }
  let t = 0;
  const counts = (process.env.PROBE_SOCKETS ?? "0,1,100,1000").split(",").map(Number);
  const modes = (process.env.PROBE_MODES ?? "preview,direct").split(",");
  for (const mode of modes) {
    const base = mode === "direct" ? directBase : stack.baseUrl;
    if (!base) continue;
    for (const n of counts) {
      let received: number[] = [];
      const sockets: WebSocket[] = [];
      await inParallel(Array.from({ length: n }), 20, async () => {
        sockets.push(await openSocket(base, (type, at) => type === "meter.readings" && received.push(at)));
      });
      const all: number[] = [];
      const lines: string[] = [];
      const wpids = workerdPids();
      await new Promise((r) => setTimeout(r, 2000));
      const w0 = wpids.reduce((a, pid) => a + cpuMs(pid), 0);
      const n0 = process.cpuUsage();
      const elu0 = performance.eventLoopUtilization();
      for (let i = 0; i < 5; i++) {
        received = [];
        const { sent, answered } = await post(meter, [{ ts: new Date(Date.now() - ++t * 1_000).toISOString(), power_w: 100 + i }]);
        await waitFor(() => received.length >= n);
        await new Promise((r) => setTimeout(r, 300));
        const rel = received.map((at) => at - sent).sort((a, b) => a - b);
        all.push(...rel);
        lines.push(`answered ${answered.toFixed(0)} first ${rel[0]?.toFixed(0)} last ${rel.at(-1)?.toFixed(0)} (${rel.length})`);
      }
      const elu = performance.eventLoopUtilization(elu0);
      const nodeCpu = process.cpuUsage(n0);
      const w1 = wpids.reduce((a, pid) => a + cpuMs(pid), 0);
      log(
        `${mode} ${n}: per broadcast node cpu ${((nodeCpu.user + nodeCpu.system) / 5000).toFixed(0)} ms (elu ${elu.utilization.toFixed(2)} of ${(elu.idle + elu.active).toFixed(0)} ms), workerd cpu ${((w1 - w0) / 5).toFixed(0)} ms`,
      );
      log(`${mode} ${n} sockets: p50 ${percentile(all, 50).toFixed(0)} p95 ${percentile(all, 95).toFixed(0)} | ${lines.join("; ")}`);
      for (const s of sockets) s.close();
      await new Promise((r) => setTimeout(r, 3000));
    }
  }
} finally {
  await stack.stop();
}
process.exit(0);
