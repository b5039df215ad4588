/**
 * Initial JavaScript: what the browser must download before the first screen, that is the entry
 * script of dist/client/index.html and every chunk it imports statically (lazy chunks such as
 * Plotly and supabase-js are not counted), gzip-compressed as a server would send it.
 * `npm run build && npx tsx bench/bundle.ts` prints it alone; `npm run bench` includes it.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { BenchResult } from "./harness";

/** The budget from issue 6. */
const BUDGET_KB = 250;
const CLIENT_DIR = fileURLToPath(new URL("../dist/client", import.meta.url));

/** `import … from "./x.js"` and `import "./x.js"`, but not `import("./x.js")`. */
const STATIC_IMPORT = /(?:^|[^.\w$])import\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+\.js)["']/g;

export function initialJs(clientDir = CLIENT_DIR): { files: string[]; gzipBytes: number } {
  const html = readFileSync(join(clientDir, "index.html"), "utf8");
  const queue = [
    ...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
  ].map((m) => join(clientDir, m[1]));
  const seen = new Set<string>();
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    for (const [, path] of readFileSync(file, "utf8").matchAll(STATIC_IMPORT)) queue.push(join(dirname(file), path));
  }
  const files = [...seen];
  return { files, gzipBytes: files.reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0) };
}

export function benchBundle(log: (line: string) => void): Record<string, BenchResult> {
  const { files, gzipBytes } = initialJs();
  const kb = Math.round(gzipBytes / 102.4) / 10;
  log(`  initial JS: ${kb} KB gzip in ${files.length} file(s) (budget ${BUDGET_KB} KB)`);
  return {
    initial_js_gzip: {
      value: kb,
      unit: "KB",
      reference: BUDGET_KB,
      ratio: Math.round((kb / BUDGET_KB) * 1000) / 1000,
      note: "JS loaded before the first screen (entry and its static imports; Plotly is lazy), gzip; reference is the budget",
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!existsSync(join(CLIENT_DIR, "index.html"))) {
    console.error("dist/client/index.html is missing: run `npm run build` first");
    process.exit(1);
  }
  const result = benchBundle(console.log).initial_js_gzip;
  process.exit(result.value <= BUDGET_KB ? 0 : 1);
}
