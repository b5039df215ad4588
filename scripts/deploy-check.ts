/**
 * `npm run deploy:check` (CI): what `npm run deploy` would upload, without uploading it: the built
 * Worker, its bindings and assets through `wrangler deploy --dry-run`, and its compressed size
 * against the Workers paid plan's limit (10 MiB after compression; the free plan allows 3 MiB).
 * Run `npm run build` first.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PAID_PLAN_LIMIT_KIB = 10 * 1024;
const FREE_PLAN_LIMIT_KIB = 3 * 1024;

const outdir = mkdtempSync(join(tmpdir(), "wattboard-deploy-"));
const run = spawnSync("npx", ["wrangler", "deploy", "--config", "dist/wattboard/wrangler.json", "--dry-run", "--outdir", outdir], {
  encoding: "utf8",
  env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
});
rmSync(outdir, { recursive: true, force: true });
const output = `${run.stdout}\n${run.stderr}`;
if (run.status !== 0) {
  console.error(output);
  console.error("✗ wrangler deploy --dry-run failed (did `npm run build` run?)");
  process.exit(1);
}
const size = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output);
if (!size) {
  console.error(output);
  console.error("✗ wrangler's dry run did not print the upload size");
  process.exit(1);
}
const [total, gzip] = [Number(size[1]), Number(size[2])];
const mib = (kib: number) => `${(kib / 1024).toFixed(2)} MiB`;
console.log(
  `Worker upload: ${mib(total)}, ${mib(gzip)} compressed (paid plan limit ${mib(PAID_PLAN_LIMIT_KIB)}: ${((gzip / PAID_PLAN_LIMIT_KIB) * 100).toFixed(0)} % used${gzip > FREE_PLAN_LIMIT_KIB ? "; above the free plan's 3 MiB" : ""})`,
);
if (gzip > PAID_PLAN_LIMIT_KIB) {
  console.error(`✗ The Worker is ${mib(gzip - PAID_PLAN_LIMIT_KIB)} over the paid plan's limit: Cloudflare would refuse this deploy`);
  process.exit(1);
}
