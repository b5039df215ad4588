/**
 * A worker thread of bench/live.bench.ts holding its share of the live sockets (plain JS: tsx does
 * not load TypeScript in worker threads on Node 20). Each `meter.readings` event is timestamped on
 * arrival, on the wall clock shared by every thread (performance.timeOrigin + performance.now()),
 * and the receipts go to the main thread in batches, so the main thread (which also runs vite
 * preview and posts the readings) never parses a socket message.
 *
 * Main → worker: {kind: "open", urls: string[]} → {kind: "opened", count}; {kind: "close"} → {kind: "closed"}.
 * Worker → main: {kind: "receipts", receipts: [meterId, at][]}.
 */
import { parentPort } from "node:worker_threads";
import { WebSocket } from "ws";

const sockets = [];
let pending = [];
let scheduled = false;

function flush() {
  scheduled = false;
  const receipts = pending;
  pending = [];
  parentPort.postMessage({ kind: "receipts", receipts });
}

function open(url) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.on("message", (data) => {
      const at = performance.timeOrigin + performance.now();
      const event = JSON.parse(data.toString());
      if (event.type !== "meter.readings") return;
      pending.push([event.payload.meterId, at]);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
    socket.once("open", () => {
      sockets.push(socket);
      resolve();
    });
    socket.once("error", reject);
  });
}

parentPort.on("message", async (message) => {
  if (message.kind === "open") {
    let next = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < message.urls.length) await open(message.urls[next++]);
      }),
    );
    parentPort.postMessage({ kind: "opened", count: message.urls.length });
  } else if (message.kind === "close") {
    await Promise.all(
      sockets.splice(0).map(
        (socket) =>
          new Promise((resolve) => {
            const timer = setTimeout(() => socket.terminate(), 5_000);
            socket.once("close", () => resolve(clearTimeout(timer)));
            socket.close();
          }),
      ),
    );
    parentPort.postMessage({ kind: "closed" });
  }
});
